namespace Broker.Actors.Persistence;

/// <summary>
/// The event journal: for each persistence id, an append-only sequence of events numbered from 1 with
/// strictly increasing sequence numbers. Safe to call from any thread.
/// </summary>
public interface IJournal : IAsyncDisposable
{
    /// <summary>
    /// Stores the events of <paramref name="write"/> all or none; completes once they are committed (as durably
    /// as the store is configured to commit), or faults with the store's error, after which the caller cannot
    /// know whether they were stored. Writes of many callers may share one transaction (group commit).
    /// A sequence number that already exists for that persistence id fails the write.
    /// </summary>
    Task WriteAsync(AtomicWrite write, CancellationToken cancellationToken = default);

    /// <summary>The events from <paramref name="fromSequenceNr"/> to <paramref name="toSequenceNr"/> (both included), in order, at most <paramref name="max"/>.</summary>
    Task<IReadOnlyList<JournalEntry>> ReplayAsync(
        string persistenceId, long fromSequenceNr, long toSequenceNr, int max, CancellationToken cancellationToken = default);

    /// <summary>The highest sequence number ever written for the id, deleted events included; 0 when none was.</summary>
    Task<long> ReadHighestSequenceNrAsync(string persistenceId, CancellationToken cancellationToken = default);

    /// <summary>Deletes the events up to <paramref name="toSequenceNr"/> (included); the highest sequence number is kept.</summary>
    Task DeleteMessagesToAsync(string persistenceId, long toSequenceNr, CancellationToken cancellationToken = default);

    /// <summary>
    /// Forgets the id: its events and its highest sequence number, as if nothing had been written. For a history
    /// that has ended for good (a session that expired); a history that goes on deletes with <see cref="DeleteMessagesToAsync"/>.
    /// </summary>
    Task PurgeAsync(string persistenceId, CancellationToken cancellationToken = default);

    /// <summary>
    /// <see cref="PurgeAsync(string, CancellationToken)"/> of many ids; a store that can does it in one round trip, so
    /// that thousands of histories ending at once (the sessions adopted from a node that is gone) take a few
    /// statements, not a connection each.
    /// </summary>
    async Task PurgeAllAsync(IReadOnlyList<string> persistenceIds, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(persistenceIds);
        foreach (var persistenceId in persistenceIds)
        {
            await PurgeAsync(persistenceId, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The ids starting with <paramref name="prefix"/> that have at least one event stored: what a node recovers after a restart.</summary>
    Task<IReadOnlyList<string>> ReadPersistenceIdsAsync(string prefix, CancellationToken cancellationToken = default);

    JournalStatistics Statistics { get; }
}
