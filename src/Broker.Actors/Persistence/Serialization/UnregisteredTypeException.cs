namespace Broker.Actors.Persistence.Serialization;

/// <summary>A value to store whose type, or a stored manifest whose name, the registry does not know.</summary>
public sealed class UnregisteredTypeException(string message) : Exception(message);
