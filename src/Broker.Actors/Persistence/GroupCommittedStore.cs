namespace Broker.Actors.Persistence;

/// <summary>
/// What the group-committed stores (the journals, the durable state stores) share: their writes queued to one
/// group-commit writer, and a disposal that commits what was written before it, then lets the store close what it
/// holds. A store says how one commit goes (<see cref="CommitAsync"/>).
/// </summary>
public abstract class GroupCommittedStore<TWrite> : IAsyncDisposable
{
    private int _disposed;

    private protected GroupCommittedStore(
        Func<TWrite, int> itemsOf, int maxItemsPerCommit, bool retryOneByOne, TimeSpan commitInterval, TimeProvider? timeProvider = null)
    {
        Writer = new GroupCommitWriter<TWrite>(CommitAsync, itemsOf, maxItemsPerCommit, retryOneByOne, commitInterval, timeProvider);
    }

    private protected GroupCommitWriter<TWrite> Writer { get; }

    /// <summary>Commits what was written before, then lets the store close what it holds (<see cref="OnDisposed"/>).</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await Writer.DisposeAsync().ConfigureAwait(false);
        OnDisposed();
        GC.SuppressFinalize(this);
    }

    /// <summary>
    /// One commit of <paramref name="writes"/>, all or none. On the writer's loop only, one call at a time, and
    /// never before the store's constructor has returned: the first write comes after it.
    /// </summary>
    private protected abstract Task CommitAsync(IReadOnlyList<TWrite> writes, CancellationToken cancellationToken);

    /// <summary>After the last commit: what the store itself holds is closed here.</summary>
    protected virtual void OnDisposed()
    {
    }

    protected void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
}
