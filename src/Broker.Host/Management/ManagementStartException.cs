namespace Broker.Host.Management;

/// <summary>The management endpoint could not listen (its port in use, an address of no interface): nothing is served.</summary>
public sealed class ManagementStartException(string message, Exception inner) : Exception($"management.http: {message}", inner);
