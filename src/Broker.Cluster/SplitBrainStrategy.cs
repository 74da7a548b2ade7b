namespace Broker.Cluster;

/// <summary>
/// What the split brain resolver keeps when the cluster splits (Akka's <c>active-strategy</c>). The configuration
/// names are EMQX's snake_case ones; <see cref="SplitBrainStrategyNames"/> maps them.
/// </summary>
public enum SplitBrainStrategy
{
    KeepMajority,
    KeepOldest,
    StaticQuorum,
    DownAll,
}
