namespace Broker.Actors.Persistence;

/// <summary>
/// What the durable state stores share: every upsert and deletion queued to one group-commit writer, its
/// statistics, and a disposal that commits what was written before it. A store says how one commit goes
/// (<see cref="CommitAsync"/>) and how it reads.
/// </summary>
public abstract class GroupCommittedStateStore : IDurableStateStore
{
    private readonly GroupCommitWriter<DurableStateWrite> _writer;
    private int _disposed;

    protected GroupCommittedStateStore(DurableStateOptions? options)
    {
        options ??= DurableStateOptions.Default;
        // A failed commit is the database's failure (no write can be refused on its own): retrying each
        // write alone would only fail each of them again, one timeout at a time.
        _writer = new GroupCommitWriter<DurableStateWrite>(
            CommitAsync, _ => 1, options.MaxWritesPerCommit, retryOneByOne: false, options.CommitInterval, options.TimeProvider);
    }

    public DurableStateStatistics Statistics =>
        _writer.Statistics is var s ? new DurableStateStatistics(s.Commits, s.Writes, s.FailedCommits) : default;

    public Task UpsertAsync(string kind, string key, string manifest, byte[] payload)
    {
        ArgumentException.ThrowIfNullOrEmpty(kind);
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(manifest);
        ArgumentNullException.ThrowIfNull(payload);
        return _writer.WriteAsync(new DurableStateWrite(kind, key, manifest, payload));
    }

    public Task DeleteAsync(string kind, string key)
    {
        ArgumentException.ThrowIfNullOrEmpty(kind);
        ArgumentNullException.ThrowIfNull(key);
        return _writer.WriteAsync(new DurableStateWrite(kind, key, null, null));
    }

    public abstract IAsyncEnumerable<DurableStateEntry> LoadAllAsync(string kind, CancellationToken cancellationToken = default);

    /// <summary>Commits what was written before, then lets the store close what it holds (<see cref="OnDisposed"/>).</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _writer.DisposeAsync().ConfigureAwait(false);
        OnDisposed();
        GC.SuppressFinalize(this);
    }

    /// <summary>
    /// One commit of <paramref name="writes"/>, all or none. On the writer's loop only, one call at a time, and
    /// never before the store's constructor has returned: the first write comes after it.
    /// </summary>
    private protected abstract Task CommitAsync(IReadOnlyList<DurableStateWrite> writes, CancellationToken cancellationToken);

    /// <summary>After the last commit: what the store itself holds is closed here.</summary>
    protected virtual void OnDisposed()
    {
    }

    protected void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
}
