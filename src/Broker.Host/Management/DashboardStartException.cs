namespace Broker.Host.Management;

/// <summary>The dashboard listener could not listen (its port in use, an address of no interface): the broker does not start.</summary>
public sealed class DashboardStartException(string message, Exception? inner = null) : Exception($"dashboard.listeners.http: {message}", inner);
