namespace Broker.Core.Security.Authentication;

/// <summary>What a CONNECT presents: who (with what the transport knows) and the password field, if any.</summary>
public sealed record Credentials(ClientInfo Client, ReadOnlyMemory<byte>? Password);
