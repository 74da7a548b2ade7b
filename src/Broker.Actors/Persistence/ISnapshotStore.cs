namespace Broker.Actors.Persistence;

/// <summary>Snapshots of persistent actors' state, at most one per persistence id and sequence number. Safe to call from any thread.</summary>
public interface ISnapshotStore : IAsyncDisposable
{
    /// <summary>Stores the snapshot, replacing one with the same persistence id and sequence number.</summary>
    Task SaveAsync(StoredSnapshot snapshot, CancellationToken cancellationToken = default);

    /// <summary>The snapshot with the highest sequence number that matches, or null.</summary>
    Task<StoredSnapshot?> LoadAsync(string persistenceId, SnapshotSelectionCriteria criteria, CancellationToken cancellationToken = default);

    /// <summary>Deletes every snapshot of the id that matches.</summary>
    Task DeleteAsync(string persistenceId, SnapshotSelectionCriteria criteria, CancellationToken cancellationToken = default);

    /// <summary>Deletes every snapshot of each id; a store that can does it in one round trip.</summary>
    async Task DeleteAllAsync(IReadOnlyList<string> persistenceIds, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(persistenceIds);
        foreach (var persistenceId in persistenceIds)
        {
            await DeleteAsync(persistenceId, SnapshotSelectionCriteria.Latest, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The ids starting with <paramref name="prefix"/> that have at least one snapshot.</summary>
    Task<IReadOnlyList<string>> ReadPersistenceIdsAsync(string prefix, CancellationToken cancellationToken = default);
}
