using Broker.Core.Messaging;
using Broker.Core.Persistence;
using Broker.Core.Routing;
using Broker.Core.Sessions.Cluster;
using Broker.Core.Sessions.Journal;
using Broker.Mqtt;
using Microsoft.Extensions.Logging;

namespace Broker.Core.Sessions;

/// <summary>
/// A session moving between nodes (the registry's side is SessionRegistry.Cluster.cs). The old session closes its
/// connection with 0x8E, hands over the snapshot the journal would store (subscriptions, queued and inflight QoS 1/2
/// messages, inbound QoS 2 ids, expiry), and then forwards every delivery that still reaches it, until the new session
/// says its routes are known everywhere, and a grace after that for messages already on their way; then it ends
/// without a will and leaves the router. The new session starts from the snapshot, takes the routes, and until the old
/// one is done drops any message it already had by its id: one routed to both nodes during the move arrives twice.
/// </summary>
public sealed partial class SessionActor
{
    /// <summary>Batches already on their way to the old node when the new routes spread: a link's window drains well within this.</summary>
    internal static readonly TimeSpan MoveGrace = TimeSpan.FromSeconds(1);

    /// <summary>A move whose other side went silent (its node died) ends after this, on both sides.</summary>
    internal static readonly TimeSpan TransferBound = TimeSpan.FromSeconds(30);

    /// <summary>
    /// After the old session is done, the new one still checks for copies this long: the direct copy of a message the old
    /// session forwarded can be behind it, in a batch of the publisher's node (whose link a stalled node releases after
    /// <c>slow_subscriber_timeout</c>, 5 s by default).
    /// </summary>
    internal static readonly TimeSpan SeenAfterDone = TimeSpan.FromSeconds(10);

    private static readonly object MoveGraceKey = "move-grace";
    private static readonly object TransferBoundKey = "transfer-bound";

    /// <summary>Set on the old session once it handed its state over.</summary>
    private HandOverSession? _movingTo;

    /// <summary>Set on a session made from another node's state, until that node is done with it.</summary>
    private SessionTransferIn? _transferIn;

    /// <summary>
    /// The messages a moved-in session had while the old one may still forward them: by id and share group, because one
    /// message matching a shared and a plain subscription of the client is two deliveries of their own (4.8.2).
    /// </summary>
    private HashSet<(long Id, string? ShareGroup)>? _seenIds;

    /// <summary>The old session is done: no new copy comes from it, but direct copies of what it forwarded may still be on their way.</summary>
    private bool _seenClosing;

    /// <summary>
    /// The old session's forwarded deliveries whose publishers wait for storage (sync durability), by their number in the
    /// move: each is answered when the new node says it committed it, and the session ends only once none is left.
    /// </summary>
    private Dictionary<long, PublishCommit>? _forwardedCommits;
    private long _forwardedSeq;
    private bool _moveGraceOver;

    protected override void PreStart()
    {
        _createdAtMs = Now;
        if (_transferIn is not { } transfer)
        {
            return;
        }

        var snapshot = transfer.Snapshot;
        _state.Restore(snapshot.State, Now);
        _expirySeconds = snapshot.ExpirySeconds;
        _seenIds = [];
        foreach (var message in snapshot.State.Queued)
        {
            _seenIds.Add(SeenKey(message.Deliver));
        }

        foreach (var inflight in snapshot.State.Inflight)
        {
            _seenIds.Add(SeenKey(inflight.Message.Deliver));
        }

        _state.Resubscribe();
        RunEffects();
        transfer.Peers.Send(transfer.From, new TransferResumed(ClientId, transfer.TransferId, [.. _state.Subscriptions.Keys]));
        StartTimer(TransferBoundKey, Tick.TransferBound, TransferBound);
        LogMovedIn(ClientId, transfer.From, _state.Subscriptions.Count, _state.InflightCount + _state.QueueLength);
    }

    private void HandleDeliver(Deliver deliver)
    {
        if (IsCopy(deliver))
        {
            // Routed here and to the old node during the move: the first copy counts.
            deliver.Commit?.Succeed();
            deliver.Admission?.Succeed();
            return;
        }

        var recorded = RecordedThisTurn;
        _creditKept = _state.Deliver(deliver, Room, Now);
        RunEffects();
        WaitForCommit(deliver.Commit, recorded);
    }

    /// <summary>
    /// Whether this session had the delivery already during a move (then it is dropped); if not, it is remembered. A
    /// retained copy is a delivery of its own (a subscription made again), even of a message seen live; a message without
    /// an id (stored before ids) cannot be told apart.
    /// </summary>
    private bool IsCopy(Deliver deliver)
    {
        if (_seenIds is null || deliver.FromRetained || deliver.Message.Id == 0)
        {
            return false;
        }

        var seen = SeenKey(deliver);
        return _seenClosing ? _seenIds.Contains(seen) : !_seenIds.Add(seen);
    }

    private static (long Id, string? ShareGroup) SeenKey(Deliver deliver) => (deliver.Message.Id, deliver.ShareGroup);

    /// <summary>The new session's side: deliveries forwarded by the old one, and its end.</summary>
    private void ReceiveMovedIn(object message)
    {
        switch (message)
        {
            case TransferPending pending when IsTransferIn(pending):
                if (ReadPending(pending) is { } deliver)
                {
                    HandleForwarded(pending, deliver, _transferIn!.Peers, forward: null);
                }
                else
                {
                    AnswerUnhandled(pending, _transferIn!.Peers, failed: true);
                }

                break;
            case TransferDone done when IsTransferIn(done):
                _transferIn = null;
                _seenClosing = true;
                StartTimer(TransferBoundKey, Tick.TransferBound, SeenAfterDone);
                break;
            case Tick.TransferBound:
                _transferIn = null;
                _seenIds = null;
                _seenClosing = false;
                break;
        }
    }

    /// <summary>
    /// A delivery the old session forwarded: handled here (or, with <paramref name="forward"/>, passed on to the node this
    /// session moves to). One whose publisher waits for storage carries a commit of its own, whose end answers the old node.
    /// </summary>
    private void HandleForwarded(TransferPending pending, Deliver deliver, ISessionPeers peers, Action<Deliver>? forward)
    {
        if (pending.Seq == 0)
        {
            if (forward is null)
            {
                HandleDeliver(deliver);
            }
            else
            {
                forward(deliver);
            }

            return;
        }

        var clientId = ClientId;
        var commit = new PublishCommit(c => peers.Send(pending.From, new TransferStored(clientId, pending.TransferId, pending.Seq, c.Failed)), waitsForStorage: true).Begin(0);
        commit.Join();
        var held = deliver with { Commit = commit };
        if (forward is null)
        {
            HandleDeliver(held);
        }
        else
        {
            forward(held);
        }

        if (commit.Seal())
        {
            peers.Send(pending.From, new TransferStored(clientId, pending.TransferId, pending.Seq, commit.Failed));
        }
    }

    /// <summary>A forwarded delivery not handled here: its publisher, if it waits, is answered now (failed: it sends again).</summary>
    private void AnswerUnhandled(TransferPending pending, ISessionPeers peers, bool failed)
    {
        if (pending.Seq != 0)
        {
            peers.Send(pending.From, new TransferStored(ClientId, pending.TransferId, pending.Seq, failed));
        }
    }

    private Deliver? ReadPending(TransferPending pending)
    {
        try
        {
            return ((MessageStored)SessionEventSerializer.Instance.FromBytes(pending.Delivery)).Deliver;
        }
        catch (Exception e) when (e is InvalidDataException or InvalidCastException)
        {
            LogPendingUnreadable(ClientId, pending.From, e);
            return null;
        }
    }

    private bool IsTransferIn(SessionPeerMessage message) =>
        _transferIn is { } transfer && transfer.TransferId == message.TransferId && transfer.From == message.From;

    /// <summary>The old session's side: another node took the client id over.</summary>
    private void HandOver(HandOverSession handOver)
    {
        if (handOver.CleanStart)
        {
            EndByCleanStart();
            handOver.Peers.Send(handOver.To, new TransferReply(ClientId, handOver.TransferId, null));
            return;
        }

        if (_connection is { } connection)
        {
            // As a takeover on one node [MQTT-3.1.4-3]: the session goes on at once, so only a will without delay goes out.
            LogTakenOver(ClientId, connection.Id, 0);
            connection.Close(ReasonCode.SessionTakenOver);
            if (_will is { } will && WillDelaySeconds(will) == 0)
            {
                PublishWill(will);
            }

            _connection = null;
            _state.Detach(Now);
            RunEffects();
        }

        // The new connection comes before any will delay ran out [MQTT-3.1.3-9]; the new node counts expiry from here.
        _will = null;
        _pendingWill = null;
        if (_timersStarted)
        {
            Context.Timers.CancelAll();
        }

        var snapshot = new SessionSnapshot(_state.TakeSnapshot(), _expirySeconds, null, null, null);
        handOver.Peers.Send(handOver.To, new TransferReply(ClientId, handOver.TransferId, SessionEventSerializer.Instance.ToBytes(snapshot)));
        _movingTo = handOver;
        StartTimer(TransferBoundKey, Tick.TransferBound, TransferBound);
        LogMovedOut(ClientId, handOver.To);
    }

    private void ReceiveWhileMoving(object message)
    {
        var moving = _movingTo!;
        switch (message)
        {
            case Deliver deliver:
                Forward(moving, deliver);
                break;
            case TransferPending pending when IsTransferIn(pending):
                // Moved on before the move here was done: what the node before forwards goes on, unless it was had here.
                if (ReadPending(pending) is not { } forwarded)
                {
                    AnswerUnhandled(pending, moving.Peers, failed: true);
                }
                else if (!IsCopy(forwarded))
                {
                    HandleForwarded(pending, forwarded, moving.Peers, forward: d => Forward(moving, d));
                }
                else
                {
                    AnswerUnhandled(pending, moving.Peers, failed: false); // had here already
                }

                break;
            case TransferStored stored when stored.TransferId == moving.TransferId && stored.From == moving.To:
                if (_forwardedCommits?.Remove(stored.Seq, out var commit) == true)
                {
                    if (stored.Failed)
                    {
                        commit.Fail();
                    }
                    else
                    {
                        commit.Succeed();
                    }
                }

                if (_moveGraceOver && _forwardedCommits is not { Count: > 0 })
                {
                    FinishMove(moving);
                }

                break;
            case TransferResumed resumed when resumed.TransferId == moving.TransferId && resumed.From == moving.To:
                StartTimer(MoveGraceKey, Tick.MoveGrace, MoveGrace);
                break;
            case Tick.MoveGrace:
                _moveGraceOver = true;
                if (_forwardedCommits is not { Count: > 0 })
                {
                    FinishMove(moving);
                }

                break;
            case Tick.TransferBound:
                FinishMove(moving);
                break;
            case AttachSession attach:
                // Opened here again meanwhile: the registry claims the client id anew once this session has ended.
                Context.Parent?.Tell(attach.Open, attach.ReplyTo);
                break;
            case GetSessionStats:
                Sender?.Tell(Stats(), Self);
                break;
        }
    }

    /// <summary>
    /// A delivery that reached the old session after its snapshot goes to the new node. Its publisher's wait for storage,
    /// if any, moves with it: answered when the new node committed it.
    /// </summary>
    private void Forward(HandOverSession moving, Deliver deliver)
    {
        var seq = 0L;
        if (deliver.Commit is { } commit)
        {
            seq = ++_forwardedSeq;
            (_forwardedCommits ??= [])[seq] = commit;
        }

        var stored = new MessageStored(0, deliver, deliver.Message.QoS, 0);
        moving.Peers.Send(moving.To, new TransferPending(ClientId, moving.TransferId, SessionEventSerializer.Instance.ToBytes(stored), seq));
        deliver.Admission?.Succeed();
    }

    /// <summary>The move is over: what the new node never answered is failed (its publishers send again), and this session ends without a will.</summary>
    private void FinishMove(HandOverSession moving)
    {
        FailForwardedCommits();
        moving.Peers.Send(moving.To, new TransferDone(ClientId, moving.TransferId));
        _movingTo = null;
        End();
    }

    /// <summary>Deliveries forwarded during a move that the new node never answered: their publishers are told they failed.</summary>
    private void FailForwardedCommits()
    {
        if (_forwardedCommits is not { } unanswered)
        {
            return;
        }

        foreach (var commit in unanswered.Values)
        {
            commit.Fail();
        }

        unanswered.Clear();
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Session {ClientId} moved in from {Node}: {Subscriptions} subscriptions, {Messages} messages")]
    private partial void LogMovedIn(string clientId, string node, int subscriptions, int messages);

    [LoggerMessage(Level = LogLevel.Information, Message = "Session {ClientId} taken over by node {Node}")]
    private partial void LogMovedOut(string clientId, string node);

    [LoggerMessage(Level = LogLevel.Error, Message = "Session {ClientId}: a message forwarded by {Node} during a move could not be read; it is lost")]
    private partial void LogPendingUnreadable(string clientId, string node, Exception cause);
}
