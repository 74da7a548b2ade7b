namespace Broker.Actors.Persistence;

/// <summary>
/// What a durable state store has committed so far: <see cref="Writes"/> (upserts and deletes) divided by
/// <see cref="Commits"/> says how well group commit batches.
/// </summary>
public readonly record struct DurableStateStatistics(long Commits, long Writes, long FailedCommits)
{
    /// <summary>The time the successful commits took, added up: divided by <see cref="Commits"/>, a commit's mean latency.</summary>
    public TimeSpan CommitTime { get; init; }

    /// <summary>Writes waiting for a commit now, not counting those of the commit under way.</summary>
    public int Queued { get; init; }

    public double WritesPerCommit => Commits == 0 ? 0 : (double)Writes / Commits;
}
