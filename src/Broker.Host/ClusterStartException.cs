namespace Broker.Host;

/// <summary>The node's cluster endpoint could not start (its port in use, a setting Akka.NET refuses): nothing is served.</summary>
public sealed class ClusterStartException(string message, Exception inner) : Exception($"cluster: {message}", inner);
