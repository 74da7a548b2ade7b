namespace Broker.Actors.Persistence;

/// <summary>
/// What the journals share: every atomic write group-committed (a write's size is its number of events), its
/// statistics, and the replay of an empty range answered without the database. A journal says how one commit
/// goes and how it reads and deletes.
/// </summary>
public abstract class GroupCommittedJournal : GroupCommittedStore<AtomicWrite>, IJournal
{
    private protected GroupCommittedJournal(int maxEventsPerCommit, TimeSpan commitInterval)
        : base(write => write.Entries.Count, maxEventsPerCommit, retryOneByOne: true, commitInterval)
    {
    }

    public JournalStatistics Statistics => Writer.Statistics;

    public Task WriteAsync(AtomicWrite write, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(write);
        return Writer.WriteAsync(write);
    }

    public Task<IReadOnlyList<JournalEntry>> ReplayAsync(
        string persistenceId, long fromSequenceNr, long toSequenceNr, int max, CancellationToken cancellationToken = default)
    {
        ThrowIfDisposed();
        return max <= 0 || fromSequenceNr > toSequenceNr
            ? Task.FromResult<IReadOnlyList<JournalEntry>>([])
            : ReadEventsAsync(persistenceId, fromSequenceNr, toSequenceNr, max, cancellationToken);
    }

    public abstract Task<long> ReadHighestSequenceNrAsync(string persistenceId, CancellationToken cancellationToken = default);

    public abstract Task DeleteMessagesToAsync(string persistenceId, long toSequenceNr, CancellationToken cancellationToken = default);

    public abstract Task PurgeAsync(string persistenceId, CancellationToken cancellationToken = default);

    /// <summary>One id after the other, unless the journal has a statement for many.</summary>
    public virtual async Task PurgeAllAsync(IReadOnlyList<string> persistenceIds, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(persistenceIds);
        foreach (var persistenceId in persistenceIds)
        {
            await PurgeAsync(persistenceId, cancellationToken).ConfigureAwait(false);
        }
    }

    public abstract Task<IReadOnlyList<string>> ReadPersistenceIdsAsync(string prefix, CancellationToken cancellationToken = default);

    /// <summary>The events of a range that is not empty, in order, at most <paramref name="max"/>.</summary>
    private protected abstract Task<IReadOnlyList<JournalEntry>> ReadEventsAsync(
        string persistenceId, long fromSequenceNr, long toSequenceNr, int max, CancellationToken cancellationToken);
}
