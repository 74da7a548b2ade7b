using Broker.Actors.Persistence;
using Broker.Actors.Persistence.Serialization;
using Broker.Core.Sessions.Journal;
using Microsoft.Extensions.Logging;

namespace Broker.Core.Sessions;

/// <summary>
/// Recovery of a durable session after a restart (or a storage failure): the snapshot and the events after it
/// rebuild the state; the subscriptions go back in the router; then time is accounted for. A session whose
/// connection was attached when the broker stopped lost that connection abnormally at that moment, as a
/// crashed connection does: its will is scheduled and its expiry starts now. One that was detached counts its
/// expiry and will delay from when it was, so a session that should have expired during the downtime ends.
/// </summary>
public sealed partial class SessionActor
{
    // Whether the history said how the session stands (attached or detached); rows without it are leftovers
    // of a session that ended while its last writes were still on their way.
    private bool _lifecycleKnown;

    // Recovered from the rows of a node that is gone: stored again under an id of this node's, the old rows deleted
    // once that write is committed (SessionActor.Durability.cs).
    private readonly bool _adopting;
    private string? _adoptedFrom;

    protected override void ReceiveRecover(object message)
    {
        switch (message)
        {
            case SnapshotOffer { Snapshot: SessionSnapshot snapshot }:
                _state.Restore(snapshot.State, Now);
                _expirySeconds = snapshot.ExpirySeconds;
                _will = snapshot.Will;
                _detachedAtMs = snapshot.DetachedAtMs;
                _pendingWill = snapshot.PendingWill;
                _lifecycleKnown = true;
                break;
            case SessionAttached attached:
                _expirySeconds = attached.ExpirySeconds;
                _will = attached.Will;
                _detachedAtMs = null;
                _pendingWill = null;
                _lifecycleKnown = true;
                break;
            case SessionDetached detached:
                _expirySeconds = detached.ExpirySeconds;
                _detachedAtMs = detached.AtMs;
                _pendingWill = detached.PendingWill;
                _will = null;
                _lifecycleKnown = true;
                break;
            case SessionEvent @event:
                _state.Apply(@event, Now);
                break;
            case RecoveryCompleted:
                Recovered();
                break;
            default:
                throw new InvalidDataException($"Unexpected {message.GetType().Name} in the journal of session {ClientId}.");
        }
    }

    private void Recovered()
    {
        _state.BeginJournalAfterRecovery();
        _state.Resubscribe();
        RunEffects();
        Context.Parent?.Tell(new SessionRecovered(ClientId), Self);
        if (!_lifecycleKnown)
        {
            End();
            EndTurn();
            return;
        }

        var now = Now;
        if (_detachedAtMs is null)
        {
            var will = _will;
            _will = null;
            if (will is not null)
            {
                ScheduleWill(will);
            }

            if (_expirySeconds == 0)
            {
                End();
                EndTurn();
                return;
            }

            _detachedAtMs = now;
            RecordLifecycle(new SessionDetached(now, _expirySeconds, _pendingWill));
        }
        else if (_pendingWill is { } pending)
        {
            _pendingWill = null;
            ScheduleWill(pending, now - _detachedAtMs.Value);
            if (_pendingWill is null)
            {
                RecordLifecycle(new SessionDetached(_detachedAtMs.Value, _expirySeconds, null));
            }
        }

        if (_expirySeconds != uint.MaxValue)
        {
            var remainingMs = _expirySeconds * 1000L - (now - _detachedAtMs.Value);
            if (remainingMs <= 0)
            {
                LogExpired(ClientId);
                End();
                EndTurn();
                return;
            }

            StartTimer(ExpiryKey, Tick.Expiry, TimeSpan.FromMilliseconds(remainingMs));
        }

        if (_adopting)
        {
            StoreAsAdopted();
        }

        LogRecovered(ClientId, _state.Subscriptions.Count, _state.InflightCount + _state.QueueLength);
        EndTurn();
    }

    /// <summary>The whole state is written under a new id of this node's; the old rows go once that write is committed.</summary>
    private void StoreAsAdopted()
    {
        _adoptedFrom = PersistenceId;
        _persistenceId = _storage.NewPersistenceId(ClientId);
        _state.EndJournal();
        _state.BeginJournal();
        RunEffects();
        RecordLifecycle(new SessionDetached(_detachedAtMs ?? Now, _expirySeconds, _pendingWill));
        Context.Parent?.Tell(new SessionBecameDurable(ClientId, PersistenceId), Self);
        Context.Parent?.Tell(new SessionAdopted(ClientId, [.. _state.Subscriptions.Keys]), Self);
    }

    /// <summary>
    /// A history that cannot be read back (a corrupt row, a type this broker does not know, events that contradict
    /// each other) costs that session only: it is logged, its rows deleted, and the client id starts afresh.
    /// Storage that cannot be reached is another matter: the session stops and its registry retries later.
    /// </summary>
    protected override void OnRecoveryFailure(Exception cause, object? @event)
    {
        if (cause is InvalidDataException or UnregisteredTypeException || @event is not null)
        {
            LogCorrupt(ClientId, PersistenceId, cause);
            _ = PurgeHistoryAsync();
            Context.Parent?.Tell(new SessionCorrupt(ClientId), Self);
        }
        else
        {
            LogRecoveryFailed(ClientId, cause);
        }

        base.OnRecoveryFailure(cause, @event);
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Session {ClientId} recovered: {Subscriptions} subscriptions, {Messages} messages")]
    private partial void LogRecovered(string clientId, int subscriptions, int messages);

    [LoggerMessage(Level = LogLevel.Error, Message = "Session {ClientId} cannot be read back from storage ({PersistenceId}); it starts empty")]
    private partial void LogCorrupt(string clientId, string persistenceId, Exception cause);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Session {ClientId} could not be recovered from storage; retried later")]
    private partial void LogRecoveryFailed(string clientId, Exception cause);
}
