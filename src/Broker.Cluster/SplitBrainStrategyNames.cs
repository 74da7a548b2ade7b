namespace Broker.Cluster;

/// <summary>The configuration names of <see cref="SplitBrainStrategy"/> (keep_majority, …) and Akka's (keep-majority, …).</summary>
public static class SplitBrainStrategyNames
{
    public static bool TryParse(string? name, out SplitBrainStrategy strategy)
    {
        switch (name?.Trim().Replace('-', '_').ToLowerInvariant())
        {
            case "keep_majority": strategy = SplitBrainStrategy.KeepMajority; return true;
            case "keep_oldest": strategy = SplitBrainStrategy.KeepOldest; return true;
            case "static_quorum": strategy = SplitBrainStrategy.StaticQuorum; return true;
            case "down_all": strategy = SplitBrainStrategy.DownAll; return true;
            default: strategy = default; return false;
        }
    }

    public static string ToConfigName(this SplitBrainStrategy strategy) => strategy.ToAkkaName().Replace('-', '_');

    /// <summary>Akka's <c>split-brain-resolver.active-strategy</c> value.</summary>
    internal static string ToAkkaName(this SplitBrainStrategy strategy) => strategy switch
    {
        SplitBrainStrategy.KeepMajority => "keep-majority",
        SplitBrainStrategy.KeepOldest => "keep-oldest",
        SplitBrainStrategy.StaticQuorum => "static-quorum",
        SplitBrainStrategy.DownAll => "down-all",
        _ => throw new ArgumentOutOfRangeException(nameof(strategy), strategy, null),
    };
}
