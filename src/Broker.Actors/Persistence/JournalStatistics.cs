namespace Broker.Actors.Persistence;

/// <summary>
/// What a journal has committed so far: <see cref="Events"/> divided by <see cref="Commits"/> says how well
/// group commit batches (one transaction, one fsync, for many writers).
/// </summary>
public readonly record struct JournalStatistics(long Commits, long Writes, long Events, long FailedCommits)
{
    /// <summary>The time the successful commits took, added up: divided by <see cref="Commits"/>, a commit's mean latency.</summary>
    public TimeSpan CommitTime { get; init; }

    /// <summary>Writes waiting for a commit now, not counting those of the commit under way.</summary>
    public int Queued { get; init; }

    public double EventsPerCommit => Commits == 0 ? 0 : (double)Events / Commits;
}
