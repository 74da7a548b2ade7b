namespace Broker.Actors.Tests.Runtime.Support;

/// <summary>The failure tests make actors throw, so that no other exception passes for it.</summary>
internal sealed class TestException(string message) : Exception(message);
