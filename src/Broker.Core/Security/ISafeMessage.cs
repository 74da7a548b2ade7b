namespace Broker.Core.Security;

/// <summary>An exception whose own message names the source and the failure, never a value a client sent.</summary>
public interface ISafeMessage;
