namespace Broker.Host.Options;

/// <summary>How a node finds the others (<c>cluster.discovery_strategy</c>).</summary>
public enum DiscoveryStrategy
{
    /// <summary>Alone until an operator joins it to another node.</summary>
    Manual,

    /// <summary>Joins through <c>cluster.static.seeds</c>.</summary>
    Static,

    /// <summary>Finds the seeds by looking up <c>cluster.dns.name</c> until it has joined.</summary>
    Dns,
}
