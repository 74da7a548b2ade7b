using Broker.Actors;
using Broker.Core.Sessions.Cluster;
using Broker.Core.Persistence;
using Broker.Core.Sessions.Journal;
using Broker.Mqtt;
using Microsoft.Extensions.Logging;

namespace Broker.Core.Sessions;

/// <summary>
/// The registry in a cluster: one live session per client id among all nodes. Every CONNECT first claims its client id
/// with the id's owner entity (<see cref="ISessionPeers.Claim"/>), which serializes the claims of all nodes; the
/// answer names the node that owned the session before, if another. Then the session is opened here as on one node, or
/// first moved here from that node (<see cref="SessionPeerMessage"/>): the old node's session closes its connection
/// (0x8E), hands over a snapshot of its state and forwards what still reaches it until this node's routes are known
/// everywhere; the session made here from the snapshot drops what it already had (by message id), so a QoS 2 message
/// is delivered once. Requests for a client id wait while its claim or move is under way, and a move asked of this
/// node for a client id it is itself claiming waits for the claim, so two nodes never both keep a session.
/// </summary>
public sealed partial class SessionRegistry
{
    /// <summary>
    /// How long a CONNECT whose session ends with its connection (clean start, expiry 0) waits for its claim before it is
    /// served here anyway. Its owner entity may be on a node that died and is not yet removed (failure detection plus
    /// stable_after: half a minute by default); such a client would otherwise be refused by every node meanwhile, for a
    /// session nobody keeps. The price: a second connection of that client id on another node meanwhile is not taken over.
    /// A session that outlives its connection always waits: two of them would each keep messages the other misses.
    /// </summary>
    internal static readonly TimeSpan TransientClaimWait = TimeSpan.FromSeconds(2);

    private ISessionPeers? _peers;
    private long _nextTransferId;

    // Client ids whose claim or move is under way here, with what waits for it.
    private readonly Dictionary<string, PendingClaim> _claims = new(StringComparer.Ordinal);

    private bool ReceiveCluster(object message)
    {
        switch (message)
        {
            case AttachSessionPeers attach:
                _peers = attach.Peers;
                foreach (var (clientId, held) in _byClientId)
                {
                    Reclaim(clientId, held);
                }

                return true;
            case SessionReclaimed reclaimed:
                Reclaimed(reclaimed);
                return true;
            case DetachSessionPeers detach:
                if (ReferenceEquals(_peers, detach.Peers))
                {
                    _peers = null;
                    foreach (var (clientId, claim) in _claims.ToList())
                    {
                        claim.LookingUp = false;
                        ClaimSettled(clientId, previousNode: null);
                    }
                }

                return true;
            case SessionClaimed claimed:
                ClaimSettled(claimed.ClientId, claimed.PreviousNode, claimed.MayBeStored);
                return true;
            case SessionClaimFailed failed:
                ClaimFailed(failed);
                return true;
            case ClaimWaitedLong waited:
                ClaimWaitedTooLong(waited);
                return true;
            case HoldsSession holds:
                Sender?.Tell(new SessionHeld(holds.ClientId, Holds(holds.ClientId)), Self);
                return true;
            case TransferRequest request:
                TransferAsked(request);
                return true;
            case TransferReply reply:
                TransferReplied(reply);
                return true;
            case TransferTimedOut timedOut:
                TransferTimedOutAt(timedOut);
                return true;
            case TransferPending pending when _claims.TryGetValue(pending.ClientId, out var moving)
                                            && moving.TransferId == pending.TransferId && moving.From == pending.From:
                // Forwarded by the old node before the session it hands over is made here: this node's own earlier
                // session of the client id (moved away, and now claimed back) is still ending. Told to the new session
                // once made; the old one would drop it, and the message would be lost.
                moving.Forwarded.Add(pending);
                return true;
            case TransferPending or TransferResumed or TransferDone or TransferStored:
                var peerMessage = (SessionPeerMessage)message;
                if (_byClientId.TryGetValue(peerMessage.ClientId, out var entry) && entry.Session is { } session)
                {
                    session.Tell(message, Self);
                }

                return true;
            default:
                return false;
        }
    }

    /// <summary>
    /// A session this node held before it was in this cluster (it rejoined after being downed, or recovered it from its own
    /// storage) stays only if the client did not connect elsewhere meanwhile: that session is the newer.
    /// </summary>
    private void Reclaim(string clientId, Entry entry)
    {
        if (_peers is { } peers && entry.IsServing)
        {
            peers.Reclaim(clientId, Self);
        }
    }

    private void Reclaimed(SessionReclaimed reclaimed)
    {
        if (reclaimed.OwnedBy is not { } owner || _claims.ContainsKey(reclaimed.ClientId)
            || !_byClientId.TryGetValue(reclaimed.ClientId, out var entry) || !entry.IsServing)
        {
            return;
        }

        LogDropped(_logger, reclaimed.ClientId, owner);
        entry.Session.Tell(DropSession.Instance, Self);
        entry.MovedTo = owner;
    }

    private bool Holds(string clientId) =>
        _byClientId.TryGetValue(clientId, out var entry) && entry.MovedTo is null && !(entry.Stopping && entry.Waiting.Count == 0);

    /// <summary>A CONNECT in a cluster: the client id is claimed first; requests for it meanwhile wait in order.</summary>
    private void Claim(OpenSession open, IActorRef? replyTo, ISessionPeers peers)
    {
        var clientId = open.Request.ClientId;
        if (!_claims.TryGetValue(clientId, out var claim))
        {
            _claims[clientId] = claim = new PendingClaim();
            // Armed before the claim goes out: whoever sees the claim (a test's network among them) sees the wait running.
            Context.Timers.StartSingleTimer(ClaimWaitKey(clientId), new ClaimWaitedLong(clientId), TransientClaimWait);
            peers.Claim(clientId, Self);
        }

        claim.Opens.Enqueue((open, replyTo));
    }

    private static string ClaimWaitKey(string clientId) => "claim/" + clientId;

    /// <summary>The owner has not answered within <see cref="TransientClaimWait"/>: connections that keep no session are served here.</summary>
    private void ClaimWaitedTooLong(ClaimWaitedLong waited)
    {
        if (!_claims.TryGetValue(waited.ClientId, out var claim) || claim.TransferId != 0 || claim.LookingUp
            || !claim.Opens.All(static o => o.Open.Request is { CleanStart: true, SessionExpirySeconds: 0 }))
        {
            return;
        }

        LogServedUnclaimed(_logger, waited.ClientId, TransientClaimWait.TotalSeconds);
        FinishClaim(waited.ClientId, claim, snapshot: null, from: null);
    }

    private void ClaimSettled(string clientId, string? previousNode, bool mayBeStored = false)
    {
        if (!_claims.TryGetValue(clientId, out var claim) || claim.TransferId != 0 || claim.LookingUp)
        {
            return;
        }

        if (previousNode is null && mayBeStored && _storage.Shared && _peers is not null && !_byClientId.ContainsKey(clientId))
        {
            // The session of a node that is gone may be in storage: adopted here before the connection is attached.
            claim.LookingUp = true;
            LookUpStored(clientId);
            return;
        }

        if (previousNode is null || _peers is null || previousNode == _peers.NodeName)
        {
            FinishClaim(clientId, claim, snapshot: null, from: null);
            return;
        }

        claim.TransferId = ++_nextTransferId;
        claim.From = previousNode;
        var cleanStart = claim.Opens.Peek().Open.Request.CleanStart;

        // Bounded: the old node may die before it answers, or be waiting for this node's answer to a move of its own
        // (its claim was granted before this one, on an owner that still named this node): nothing else would end it.
        Context.Timers.StartSingleTimer(TransferKey(clientId), new TransferTimedOut(clientId, claim.TransferId), SessionActor.TransferBound);
        _peers.Send(previousNode, new TransferRequest(clientId, claim.TransferId, cleanStart));
    }

    /// <summary>
    /// The old node did not hand the session over in time: the CONNECTs are refused as when the owner cannot be reached
    /// (the client retries), and the moves asked of this node meanwhile are answered, with nothing if it holds nothing.
    /// A reply that comes later is ignored; the old session ends after its own bound.
    /// </summary>
    private void TransferTimedOutAt(TransferTimedOut timedOut)
    {
        if (_claims.TryGetValue(timedOut.ClientId, out var claim) && claim.TransferId == timedOut.TransferId && claim.Reply is null)
        {
            ClaimFailed(new SessionClaimFailed(timedOut.ClientId, $"node {claim.From} did not hand the session over"));
        }
    }

    private static string TransferKey(string clientId) => "transfer/" + clientId;

    private void ClaimFailed(SessionClaimFailed failed)
    {
        if (!_claims.Remove(failed.ClientId, out var claim))
        {
            return;
        }

        CancelTransferBound(failed.ClientId, claim);
        Context.Timers.Cancel(ClaimWaitKey(failed.ClientId));
        LogClaimFailed(_logger, failed.ClientId, failed.Reason);
        foreach (var (open, _) in claim.Opens)
        {
            open.Connection.Send(open.ConnAck with { ReasonCode = ReasonCode.ServerUnavailable });
            open.Connection.Close();
        }

        RunDeferred(claim);
    }

    private void TransferReplied(TransferReply reply)
    {
        if (!_claims.TryGetValue(reply.ClientId, out var claim) || claim.TransferId != reply.TransferId || claim.From != reply.From)
        {
            return;
        }

        claim.Reply = reply;
        TryFinishTransfer(reply.ClientId, claim);
    }

    /// <summary>The moved session is made once this node's own session of the client id (moved away earlier) has stopped: both would have its name.</summary>
    private void TryFinishTransfer(string clientId, PendingClaim claim)
    {
        if (claim.Reply is not { } reply || _byClientId.ContainsKey(clientId))
        {
            return;
        }

        if (reply.Snapshot is null)
        {
            // The node asked held nothing, and answered rather than waiting for a claim of its own: a move it asked of
            // this node meanwhile belongs, but for a session of its own ending just then, to a claim of its that failed
            // (its bound ran out while each node waited for the other). Handing the session made here over to a node
            // that no longer waits for it would lose it; left unanswered, a claim still waiting ends at its bound.
            claim.Deferred.RemoveAll(request => request.From == reply.From);
        }

        SessionSnapshot? snapshot = null;
        if (reply.Snapshot is { } bytes)
        {
            try
            {
                snapshot = (SessionSnapshot)SessionEventSerializer.Instance.FromBytes(bytes);
            }
            catch (InvalidDataException e)
            {
                LogTransferUnreadable(_logger, clientId, reply.From, e);
            }
        }

        FinishClaim(clientId, claim, snapshot, reply.From);
    }

    /// <summary>The claim is settled: the session is made here (from a moved snapshot, if any), then the waiting requests are opened in order.</summary>
    private void FinishClaim(string clientId, PendingClaim claim, SessionSnapshot? snapshot, string? from)
    {
        _claims.Remove(clientId);
        Context.Timers.Cancel(ClaimWaitKey(clientId));
        CancelTransferBound(clientId, claim);
        if (snapshot is not null && from is not null && _peers is not null && !_byClientId.ContainsKey(clientId))
        {
            var session = Create(clientId, persistenceId: null, recover: false, new SessionTransferIn(_peers, from, claim.TransferId, snapshot));
            foreach (var forwarded in claim.Forwarded)
            {
                session.Tell(forwarded, Self);
            }
        }

        foreach (var (open, replyTo) in claim.Opens)
        {
            OpenHere(open, replyTo);
        }

        RunDeferred(claim);
    }

    private void RunDeferred(PendingClaim claim) => AskDeferred(claim.Deferred);

    private void CancelTransferBound(string clientId, PendingClaim claim)
    {
        if (claim.TransferId != 0)
        {
            Context.Timers.Cancel(TransferKey(clientId));
        }
    }

    /// <summary>
    /// Another node took the client id over: this node's session is moved there, or, if there is none, nothing is. A
    /// request for a client id this node is claiming while it holds no session waits for the claim: the owner entity
    /// granted this node's claim first, so the session will be here. One that this node holds is handed over at once,
    /// even while this node claims it again: its own claim then moves it back, and two nodes never wait for each other.
    /// </summary>
    private void TransferAsked(TransferRequest request)
    {
        AdoptNowIfOffered(request.ClientId);
        if (!_byClientId.TryGetValue(request.ClientId, out var entry))
        {
            if (_claims.TryGetValue(request.ClientId, out var claim))
            {
                claim.Deferred.Add(request);
            }
            else
            {
                _peers?.Send(request.From, new TransferReply(request.ClientId, request.TransferId, null));
            }

            return;
        }

        if (entry.Session is null || entry.MovedTo is not null || (entry.Stopping && entry.Waiting.Count > 0))
        {
            // Being started again from storage, moved away already, or replaced here: asked again once it has settled.
            entry.Deferred.Add(request);
            return;
        }

        if (entry.Stopping)
        {
            // Ending: there is nothing to hand over.
            _peers?.Send(request.From, new TransferReply(request.ClientId, request.TransferId, null));
            return;
        }

        entry.MovedTo = request.From;
        entry.Session.Tell(new HandOverSession(_peers!, request.From, request.TransferId, request.CleanStart), Self);
    }

    /// <summary>Moves asked of a session that was not ready to hand over, asked again now that it has settled.</summary>
    private void AskDeferred(List<TransferRequest> deferred)
    {
        if (deferred.Count == 0)
        {
            return;
        }

        var requests = deferred.ToArray();
        deferred.Clear();
        foreach (var request in requests)
        {
            TransferAsked(request);
        }
    }

    /// <summary>A session stopped: what waited for it (a move asked of it, the making of its moved successor) goes on.</summary>
    private void AfterStopped(string clientId, Entry entry, bool released)
    {
        if (released && _peers is not null && entry.MovedTo is null && entry.Waiting.Count == 0 && !_claims.ContainsKey(clientId))
        {
            _peers.Release(clientId);
        }

        AskDeferred(entry.Deferred);

        if (_claims.TryGetValue(clientId, out var claim))
        {
            TryFinishTransfer(clientId, claim);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Session {ClientId} held here before this node was in the cluster is dropped: the client connected to {Node} meanwhile")]
    private static partial void LogDropped(ILogger logger, string clientId, string node);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Client {ClientId} served without its owner's answer after {Seconds} s: its session ends with its connection")]
    private static partial void LogServedUnclaimed(ILogger logger, string clientId, double seconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Client {ClientId} refused: its session's owner could not be reached ({Reason})")]
    private static partial void LogClaimFailed(ILogger logger, string clientId, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Session {ClientId} moved from {Node} could not be read; it starts empty")]
    private static partial void LogTransferUnreadable(ILogger logger, string clientId, string node, Exception cause);

    private sealed class PendingClaim
    {
        public Queue<(OpenSession Open, IActorRef? ReplyTo)> Opens { get; } = new();

        /// <summary>Moves other nodes asked for while this node claimed the client id: answered once it owns the session.</summary>
        public List<TransferRequest> Deferred { get; } = [];

        /// <summary>Non-zero once the session is being moved here from <see cref="From"/>.</summary>
        public long TransferId { get; set; }

        public string? From { get; set; }

        public TransferReply? Reply { get; set; }

        /// <summary>Looking in storage shared by the cluster for a session of a node that is gone (SessionRegistry.Adoption.cs).</summary>
        public bool LookingUp { get; set; }

        /// <summary>What the old node forwarded before the moved session was made here (see <see cref="ReceiveCluster"/>).</summary>
        public List<TransferPending> Forwarded { get; } = [];
    }

    /// <summary>The registry's own timer: the claim of a client id has waited <see cref="TransientClaimWait"/>.</summary>
    private sealed record ClaimWaitedLong(string ClientId);

    /// <summary>The registry's own timer: the move <paramref name="TransferId"/> was not answered within <see cref="SessionActor.TransferBound"/>.</summary>
    private sealed record TransferTimedOut(string ClientId, long TransferId);
}
