using Broker.Actors.Persistence.Serialization;

namespace Broker.Actors.Persistence;

/// <summary>
/// An actor whose state is rebuilt from the events it persisted, as Akka.Persistence does it. On start it
/// recovers: the latest snapshot is offered to <see cref="ReceiveRecover"/> as a <see cref="SnapshotOffer"/>,
/// then the events after it, then <see cref="RecoveryCompleted"/>; commands that arrive meanwhile wait.
/// Commands go to <see cref="ReceiveCommand"/>, which calls <see cref="Persist{TEvent}"/> to store an event and change the state in the handler, once stored.
/// <code>
///   Recovering ──RecoveryCompleted──▶ Ready ◀──────── last stashing handler ran ──┐
///   (commands stashed)                  │ Persist                                    │
///                                       ▼                                            │
///                                  Persisting (commands stashed until the write is committed)
/// </code>
/// A journal that fails a write leaves its state unknown: <see cref="OnPersistFailure"/> runs and the actor
/// stops; whoever owns it may start it again later (with a back-off), and recovery reads what was stored.
/// Split by concern: Recovery, Writes, Snapshots.
/// </summary>
public abstract partial class PersistentActor : ActorBase
{
    private PersistenceExtension? _persistence;
    private bool _recovering = true;
    private bool _stopping;
    private CancellationTokenSource? _lifetime;

    /// <summary>The id of this actor's history in the stores: unique and stable across restarts of the node.</summary>
    public abstract string PersistenceId { get; }

    /// <summary>The sequence number of the last event recovered or persisted (whose handler has run); 0 before the first.</summary>
    protected long LastSequenceNr { get; private set; }

    /// <summary>The sequence number the last snapshot saved or recovered covers.</summary>
    protected long SnapshotSequenceNr { get; private set; }

    protected bool IsRecovering => _recovering;

    /// <summary>The stores this actor uses: by default the ones installed in its actor system.</summary>
    protected virtual PersistenceExtension Persistence => _persistence ??= PersistenceExtension.Get(Context.System);

    /// <summary>Which snapshot recovery starts from: the latest by default; <see cref="SnapshotSelectionCriteria.None"/> replays every event.</summary>
    protected virtual SnapshotSelectionCriteria RecoverySnapshot => SnapshotSelectionCriteria.Latest;

    /// <summary>
    /// False for an actor that knows it has no history (a new MQTT session with Clean Start): it starts at once,
    /// without reading the stores, and may begin persisting later.
    /// </summary>
    protected virtual bool RecoversOnStart => true;

    private EventSerializerRegistry Serializers => Persistence.Serializers;

    /// <summary>Rebuilds the state: a <see cref="SnapshotOffer"/>, the events, then <see cref="RecoveryCompleted"/>. Must not persist.</summary>
    protected abstract void ReceiveRecover(object message);

    /// <summary>Handles a command once recovery is over.</summary>
    protected abstract void ReceiveCommand(object message);

    protected sealed override void Receive(object message) => ReceiveCommand(message);

    /// <summary>
    /// A journal write failed (the database is unreachable, the disk is full): whether the event was stored is
    /// unknown. The actor stops after this returns. By default the failure is published as an <see cref="ActorErrorEvent"/>.
    /// </summary>
    protected virtual void OnPersistFailure(Exception cause, object @event, long sequenceNr) =>
        ReportError($"failed to persist event {@event.GetType().Name} with sequence number {sequenceNr} of '{PersistenceId}'", cause);

    /// <summary>Recovery failed (the stores could not be read, a row could not be deserialized, ReceiveRecover threw). The actor stops after this returns.</summary>
    protected virtual void OnRecoveryFailure(Exception cause, object? @event) =>
        ReportError($"recovery of '{PersistenceId}' failed" + (@event is null ? "" : $" on {@event.GetType().Name}"), cause);

    internal override void AroundReceive(object message)
    {
        switch (message)
        {
            case RecoveryStep step:
                if (ReferenceEquals(step.Owner, this))
                {
                    HandleRecoveryStep(step);
                }

                break;
            case RecoveryFailed failed:
                if (ReferenceEquals(failed.Owner, this))
                {
                    FailRecovery(failed.Cause, null);
                }

                break;
            case WriteCompleted completed:
                if (ReferenceEquals(completed.Owner, this))
                {
                    HandleWriteCompleted(completed);
                }

                break;
            default:
                if (_recovering || _pendingStashingInvocations > 0 || _stopping)
                {
                    Cell.InternalStash.Stash();
                    return;
                }

                base.AroundReceive(message);
                break;
        }

        FlushBatch();
    }

    internal override void InvokePreStart()
    {
        base.InvokePreStart();
        StartRecovery();
    }

    internal override void InvokePostRestart(Exception reason)
    {
        base.InvokePostRestart(reason);
        StartRecovery();
    }

    internal override void InvokePostStop()
    {
        _lifetime?.Cancel();
        _lifetime?.Dispose();
        base.InvokePostStop();
    }

    /// <summary>Stops after a failure of the stores: the state they hold is unknown, so this instance must not go on.</summary>
    private void StopAfterFailure()
    {
        _stopping = true;
        Context.Stop(Self);
    }

    /// <summary>
    /// Forgets this actor's history in the stores (events, highest sequence number, snapshots), in the
    /// background, for an actor whose life has ended for good; the returned task says when it is done.
    /// </summary>
    protected Task PurgeHistoryAsync()
    {
        var persistence = Persistence;
        var persistenceId = PersistenceId;
        return Task.Run(() => persistence.PurgeAsync(persistenceId));
    }

    private void ReportError(string message, Exception cause) =>
        Context.System.EventStream.Publish(new ActorErrorEvent(Cell.Path, message, cause));
}
