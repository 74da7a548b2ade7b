namespace Broker.Actors.Persistence;

public abstract partial class PersistentActor
{
    private long _snapshotRequestedAt;

    /// <summary>
    /// After this many events since the last snapshot, one is taken of <see cref="GetSnapshotState"/>, if it
    /// returns a state; 0 never. The installed <see cref="PersistenceSettings.SnapshotEvery"/> by default.
    /// </summary>
    protected virtual int SnapshotEvery => Persistence.Settings.SnapshotEvery;

    /// <summary>The state to snapshot when one is due (see <see cref="SnapshotEvery"/>); null, the default, takes none.</summary>
    protected virtual object? GetSnapshotState() => null;

    /// <summary>
    /// Stores <paramref name="state"/> as covering the events up to <see cref="LastSequenceNr"/>; answers
    /// <see cref="SaveSnapshotSuccess"/> or <see cref="SaveSnapshotFailure"/> as a command. A failed snapshot
    /// costs nothing but a longer recovery: the events are still in the journal.
    /// </summary>
    protected void SaveSnapshot(object state)
    {
        ArgumentNullException.ThrowIfNull(state);
        var serialized = Serializers.Serialize(state);
        var metadata = new SnapshotMetadata(PersistenceId, LastSequenceNr, Context.System.TimeProvider.GetUtcNow());
        _snapshotRequestedAt = LastSequenceNr;
        var store = Persistence.SnapshotStore;
        var stored = new StoredSnapshot(metadata, serialized.Manifest, serialized.Bytes);
        Reply(() => store.SaveAsync(stored), () => new SaveSnapshotSuccess(metadata), e => new SaveSnapshotFailure(metadata, e));
        SnapshotSequenceNr = Math.Max(SnapshotSequenceNr, metadata.SequenceNr);
    }

    /// <summary>Deletes the events up to <paramref name="toSequenceNr"/> (those a snapshot covers); answers <see cref="DeleteMessagesSuccess"/> or <see cref="DeleteMessagesFailure"/>.</summary>
    protected void DeleteMessages(long toSequenceNr)
    {
        var journal = Persistence.Journal;
        var persistenceId = PersistenceId;
        Reply(
            () => journal.DeleteMessagesToAsync(persistenceId, toSequenceNr),
            () => new DeleteMessagesSuccess(toSequenceNr),
            e => new DeleteMessagesFailure(toSequenceNr, e));
    }

    /// <summary>Deletes the matching snapshots; answers <see cref="DeleteSnapshotsSuccess"/> or <see cref="DeleteSnapshotsFailure"/>.</summary>
    protected void DeleteSnapshots(SnapshotSelectionCriteria criteria)
    {
        ArgumentNullException.ThrowIfNull(criteria);
        var store = Persistence.SnapshotStore;
        var persistenceId = PersistenceId;
        Reply(() => store.DeleteAsync(persistenceId, criteria), () => new DeleteSnapshotsSuccess(criteria), e => new DeleteSnapshotsFailure(criteria, e));
    }

    private void SnapshotIfDue()
    {
        var every = SnapshotEvery;
        if (every > 0 && LastSequenceNr - _snapshotRequestedAt >= every && GetSnapshotState() is { } state)
        {
            SaveSnapshot(state);
        }
    }

    /// <summary>Runs the store's call off this actor's thread (the SQLite stores block) and tells the outcome to this actor.</summary>
    private void Reply(Func<Task> operation, Func<object> success, Func<Exception, object> failure)
    {
        var self = Self;
        _ = Task.Run(async () =>
        {
            try
            {
                await operation().ConfigureAwait(false);
                self.Tell(success());
            }
            catch (Exception e)
            {
                self.Tell(failure(e));
            }
        });
    }
}
