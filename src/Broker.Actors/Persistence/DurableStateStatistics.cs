namespace Broker.Actors.Persistence;

/// <summary>
/// What a durable state store has committed so far: <see cref="Writes"/> (upserts and deletes) divided by
/// <see cref="Commits"/> says how well group commit batches.
/// </summary>
public readonly record struct DurableStateStatistics(long Commits, long Writes, long FailedCommits)
{
    public double WritesPerCommit => Commits == 0 ? 0 : (double)Writes / Commits;
}
