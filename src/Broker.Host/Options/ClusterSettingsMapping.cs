using Broker.Cluster;

namespace Broker.Host.Options;

/// <summary>The <c>cluster</c> section as the cluster's own settings.</summary>
public static class ClusterSettingsMapping
{
    /// <summary>Other nodes reach this one at the host of <c>node.name</c> (<c>name@host</c>) and <c>cluster.port</c>.</summary>
    public static ClusterSettings ToSettings(this ClusterOptions cluster, NodeOptions node) => new()
    {
        Name = cluster.Name,
        Bind = cluster.Bind,
        Port = cluster.Port,
        PublicHost = node.Name[(node.Name.IndexOf('@', StringComparison.Ordinal) + 1)..],
        Seeds = cluster.Static.Seeds,
        SplitBrainStrategy = cluster.SplitBrainResolver.Strategy switch
        {
            Options.SplitBrainStrategy.KeepOldest => Broker.Cluster.SplitBrainStrategy.KeepOldest,
            Options.SplitBrainStrategy.DownAll => Broker.Cluster.SplitBrainStrategy.DownAll,
            _ => Broker.Cluster.SplitBrainStrategy.KeepMajority,
        },
        StableAfter = cluster.SplitBrainResolver.StableAfter.Value,
    };
}
