using Broker.Host.Configuration;
using Microsoft.Extensions.Configuration;

namespace Broker.Host.Options;

/// <summary>
/// The <c>cluster</c> section, with EMQX's names where it has them: how this node finds the others and what its
/// Akka.NET cluster endpoint is. With <c>manual</c> discovery (the default) the node runs alone and starts no cluster
/// traffic at all.
/// </summary>
public sealed class ClusterOptions
{
    /// <summary>Nodes with another name never join: it is the name of the Akka.NET actor system.</summary>
    [ConfigurationKeyName("name")]
    public string Name { get; set; } = "broker";

    [ConfigurationKeyName("discovery_strategy")]
    public DiscoveryStrategy DiscoveryStrategy { get; set; } = DiscoveryStrategy.Manual;

    [ConfigurationKeyName("static")]
    public StaticDiscoveryOptions Static { get; init; } = new();

    [ConfigurationKeyName("dns")]
    public DnsDiscoveryOptions Dns { get; init; } = new();

    /// <summary>The address the node's cluster endpoint listens on.</summary>
    [ConfigurationKeyName("bind")]
    public string Bind { get; set; } = "0.0.0.0";

    /// <summary>The port of the node's cluster endpoint (Akka.Remote).</summary>
    [ConfigurationKeyName("port")]
    public int Port { get; set; } = 4370;

    /// <summary>What the node does when its cluster ends under it (downed by the split brain resolver, or removed).</summary>
    [ConfigurationKeyName("down_action")]
    public ClusterDownAction DownAction { get; set; } = ClusterDownAction.Rejoin;

    [ConfigurationKeyName("split_brain_resolver")]
    public SplitBrainResolverOptions SplitBrainResolver { get; init; } = new();
}

public sealed class StaticDiscoveryOptions
{
    /// <summary>The seed nodes' cluster endpoints, <c>host:port</c>; this node's own may be among them.</summary>
    [ConfigurationKeyName("seeds")]
    public string[] Seeds { get; set; } = [];
}

public sealed class SplitBrainResolverOptions
{
    [ConfigurationKeyName("strategy")]
    public SplitBrainStrategy Strategy { get; set; } = SplitBrainStrategy.KeepMajority;

    /// <summary>How long membership must be stable before the resolver downs the side that lost.</summary>
    [ConfigurationKeyName("stable_after")]
    public Duration StableAfter { get; set; } = Duration.FromSeconds(20);
}
