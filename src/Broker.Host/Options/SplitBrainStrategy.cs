namespace Broker.Host.Options;

/// <summary>Which side of a partition survives (<c>cluster.split_brain_resolver.strategy</c>), as Akka.NET's resolver names them.</summary>
public enum SplitBrainStrategy
{
    KeepMajority,
    KeepOldest,
    DownAll,
}
