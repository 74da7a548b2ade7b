namespace Broker.Actors.Persistence;

/// <summary>
/// What a journal has committed so far: <see cref="Events"/> divided by <see cref="Commits"/> says how well
/// group commit batches (one transaction, one fsync, for many writers).
/// </summary>
public readonly record struct JournalStatistics(long Commits, long Writes, long Events, long FailedCommits)
{
    public double EventsPerCommit => Commits == 0 ? 0 : (double)Events / Commits;
}
