namespace Broker.Actors.Persistence;

/// <summary>
/// What the durable state stores share: every upsert and deletion group-committed, and its statistics. A store
/// says how one commit goes and how it reads.
/// </summary>
public abstract class GroupCommittedStateStore : GroupCommittedStore<DurableStateWrite>, IDurableStateStore
{
    // A failed commit is the database's failure (no write can be refused on its own): retrying each
    // write alone would only fail each of them again, one timeout at a time.
    protected GroupCommittedStateStore(DurableStateOptions? options)
        : base(
            _ => 1, (options ??= DurableStateOptions.Default).MaxWritesPerCommit, retryOneByOne: false, options.CommitInterval,
            options.TimeProvider)
    {
    }

    public DurableStateStatistics Statistics =>
        Writer.Statistics is var s ? new DurableStateStatistics(s.Commits, s.Writes, s.FailedCommits) { CommitTime = s.CommitTime, Queued = s.Queued } : default;

    public Task UpsertAsync(string kind, string key, string manifest, byte[] payload)
    {
        ArgumentException.ThrowIfNullOrEmpty(kind);
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(manifest);
        ArgumentNullException.ThrowIfNull(payload);
        return Writer.WriteAsync(new DurableStateWrite(kind, key, manifest, payload));
    }

    public Task DeleteAsync(string kind, string key)
    {
        ArgumentException.ThrowIfNullOrEmpty(kind);
        ArgumentNullException.ThrowIfNull(key);
        return Writer.WriteAsync(new DurableStateWrite(kind, key, null, null));
    }

    public abstract IAsyncEnumerable<DurableStateEntry> LoadAllAsync(string kind, CancellationToken cancellationToken = default);
}
