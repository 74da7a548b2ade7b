using Broker.Actors.Persistence;
using Broker.Core.Messaging;
using Broker.Core.Sessions.Journal;
using Microsoft.Extensions.Logging;

namespace Broker.Core.Sessions;

/// <summary>
/// Storage of a durable session. The state changes at once, as for any session; its mutators return
/// <see cref="SessionEffectKind.Record"/> effects, whose events are written at the end of the turn as one atomic write (the journal group-commits the writes of
/// every session). Under sync durability what depends on a write waits for it: the packets the turn sent
/// (<see cref="CommitGate"/>) and the <see cref="PublishCommit"/>s of the deliveries it stored. Every
/// <c>snapshot_every</c> events the state is captured at the end of a turn and saved once that turn's write is
/// committed, so it covers exactly the events up to it; the events it covers are then deleted.
/// </summary>
public sealed partial class SessionActor
{
    // Made when the session becomes durable: one that ends with its connection never needs it.
    private List<SessionEvent>? _turnEvents;
    private List<PublishCommit>? _turnCommits;
    private Queue<List<PublishCommit>?>? _outstandingCommits;
    private long _issuedWrites;
    private long _committedWrites;
    private long _eventsSinceSnapshot;

    private bool IsDurable => _state.IsJournaled;

    private int RecordedThisTurn => _turnEvents?.Count ?? 0;

    /// <summary>Taken by the session at the end of a turn instead, so that it matches a sequence number exactly.</summary>
    protected override int SnapshotEvery => 0;

    /// <summary>An event for this turn's write: what the connection is sent from now on in this turn waits for it.</summary>
    private void RecordEvent(SessionEvent @event)
    {
        (_turnEvents ??= []).Add(@event);
        (_connection as CommitGate)?.TurnRecorded();
    }

    /// <summary>From now on the session outlives restarts: its whole state is written, then every change.</summary>
    private void BecomeDurable()
    {
        if (IsDurable || !_storage.IsEnabled)
        {
            return;
        }

        _state.BeginJournal();
        RunEffects();
        _state.Resubscribe();
        RunEffects();
        Context.Parent?.Tell(new SessionBecameDurable(ClientId, PersistenceId), Self);
    }

    private void RecordLifecycle(SessionEvent @event)
    {
        if (IsDurable)
        {
            RecordEvent(@event);
        }
    }

    /// <summary>Under sync durability a durable session's connection holds back what depends on a write.</summary>
    private IClientConnection Gated(IClientConnection connection)
    {
        if (!IsDurable || _storage.Durability != SessionDurability.Sync)
        {
            return connection;
        }

        var gate = new CommitGate(connection, _issuedWrites, _committedWrites);
        if (RecordedThisTurn > 0)
        {
            gate.TurnRecorded();
        }

        return gate;
    }

    /// <summary>A delivery whose publisher waits: done now when it changed nothing stored, else when this turn's write is committed.</summary>
    private void WaitForCommit(PublishCommit? commit, int recordedBefore)
    {
        if (commit is null)
        {
            return;
        }

        if (RecordedThisTurn == recordedBefore)
        {
            commit.Succeed();
            return;
        }

        (_turnCommits ??= []).Add(commit);
    }

    private void EndTurn()
    {
        var gate = _connection as CommitGate;
        if (_turnEvents is not { Count: > 0 } events)
        {
            gate?.EndTurn(_issuedWrites);
            return;
        }

        var write = ++_issuedWrites;
        List<PublishCommit>? commits = null;
        if (_turnCommits is { Count: > 0 })
        {
            commits = [.. _turnCommits];
            _turnCommits.Clear();
        }

        (_outstandingCommits ??= new()).Enqueue(commits);
        _eventsSinceSnapshot += events.Count;
        var snapshot = SnapshotDue() ? TakeSnapshot() : null;
        var last = events[^1];
        PersistAllAsync(events, e =>
        {
            if (ReferenceEquals(e, last))
            {
                WriteCommitted(write, snapshot);
            }
        });
        events.Clear();
        gate?.EndTurn(write);
    }

    private void WriteCommitted(long write, SessionSnapshot? snapshot)
    {
        _committedWrites = write;
        if (_adoptedFrom is { } adoptedFrom)
        {
            _adoptedFrom = null;
            var persistence = Persistence;
            var clientId = ClientId;
            var logger = _logger;
            persistence.PurgeAsync(adoptedFrom).ContinueWith(
                t => LogPurgeFailed(logger, clientId, t.Exception!.GetBaseException()),
                CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
        }

        if (_outstandingCommits?.Dequeue() is { } commits)
        {
            foreach (var commit in commits)
            {
                commit.Succeed();
            }
        }

        (_connection as CommitGate)?.Committed(write);
        if (snapshot is not null)
        {
            SaveSnapshot(snapshot);
        }
    }

    private bool SnapshotDue()
    {
        var every = Persistence.Settings.SnapshotEvery;
        if (every <= 0 || _eventsSinceSnapshot < SnapshotThreshold(every, _state.InflightCount + _state.QueueLength + _state.AwaitingRelCount))
        {
            return false;
        }

        _eventsSinceSnapshot = 0;
        return true;
    }

    /// <summary>
    /// The events after which a snapshot is taken: <paramref name="every"/>, or half of what the snapshot would hold if
    /// that is more. A snapshot costs in proportion to the state (every message held is serialized and written again,
    /// in transactions of its own beside the journal's), replaying in proportion to the events: a subscriber with a
    /// backlog of thousands of messages would otherwise rewrite its whole backlog every <paramref name="every"/>
    /// events. So a snapshot costs at most about two messages' worth per event, and recovery still reads at most
    /// about one and a half times the state.
    /// </summary>
    internal static long SnapshotThreshold(int every, int heldItems) => Math.Max(every, heldItems / 2);

    private SessionSnapshot TakeSnapshot() => new(_state.TakeSnapshot(), _expirySeconds, _will, _detachedAtMs, _pendingWill);

    /// <summary>The answers of the stores to this session's snapshot and delete requests.</summary>
    private bool ReceiveStorageReply(object message)
    {
        switch (message)
        {
            case SaveSnapshotSuccess saved:
                // The events the snapshot covers, and older snapshots, are no longer needed for recovery.
                DeleteMessages(saved.Metadata.SequenceNr);
                DeleteSnapshots(SnapshotSelectionCriteria.UpTo(saved.Metadata.SequenceNr - 1));
                return true;
            case SaveSnapshotFailure failed:
                LogStorageReplyFailed(ClientId, "snapshot", failed.Cause);
                return true;
            case DeleteMessagesFailure failed:
                LogStorageReplyFailed(ClientId, "deletion of events", failed.Cause);
                return true;
            case DeleteSnapshotsFailure failed:
                LogStorageReplyFailed(ClientId, "deletion of snapshots", failed.Cause);
                return true;
            case DeleteMessagesSuccess or DeleteSnapshotsSuccess:
                return true;
            default:
                return false;
        }
    }

    /// <summary>Publishers waiting for writes of this session: told they were committed (the session ended: nothing is owed) or failed.</summary>
    private void SettleOutstandingCommits(bool committed)
    {
        var pending = new List<PublishCommit>();
        while (_outstandingCommits?.TryDequeue(out var commits) == true)
        {
            pending.AddRange(commits ?? []);
        }

        pending.AddRange(_turnCommits ?? []);
        _turnCommits?.Clear();
        foreach (var commit in pending)
        {
            if (committed)
            {
                commit.Succeed();
            }
            else
            {
                commit.Fail();
            }
        }
    }

    /// <summary>The session has ended: nothing more is written, and its rows are deleted.</summary>
    private void ForgetStoredSession()
    {
        if (!IsDurable)
        {
            return;
        }

        _state.EndJournal();
        _turnEvents?.Clear();
        SettleOutstandingCommits(committed: true);
        var clientId = ClientId;
        var logger = _logger;
        PurgeHistoryAsync().ContinueWith(
            t => LogPurgeFailed(logger, clientId, t.Exception!.GetBaseException()),
            CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
    }

    protected override void OnPersistFailure(Exception cause, object @event, long sequenceNr)
    {
        LogPersistFailed(ClientId, cause);
        base.OnPersistFailure(cause, @event, sequenceNr);
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Session {ClientId}: storage failed, the session stops and is recovered from storage when it returns")]
    private partial void LogPersistFailed(string clientId, Exception cause);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Session {ClientId}: the {What} failed")]
    private partial void LogStorageReplyFailed(string clientId, string what, Exception cause);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Session {ClientId} ended but its stored rows could not be deleted; they are ignored and deleted after the next restart")]
    private static partial void LogPurgeFailed(ILogger logger, string clientId, Exception cause);
}
