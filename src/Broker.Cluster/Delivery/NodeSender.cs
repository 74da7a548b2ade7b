using System.Diagnostics;
using Akka.Actor;
using Akka.Event;
using Broker.Core.Messaging;

namespace Broker.Cluster.Delivery;

/// <summary>
/// Sends one <see cref="NodeLink"/>'s messages to its node in <see cref="ForwardBatch"/>es, at most
/// <see cref="NodeSenderSettings.Window"/> unanswered, and gives back what each message holds when the node answers:
/// the publisher's credit once the node has dispatched its batch (<see cref="BatchAck"/>), the publish's commit once
/// the node's own participants have left (in the ack, or in a later <see cref="CommitsDone"/>). So a publisher is
/// acknowledged only for what every node with subscribers accepted, and is slowed down by a node that cannot keep up,
/// as by a local subscriber. What the sender gives up on:
/// <list type="bullet">
/// <item>a batch answered out of turn: the node answers its batches in order, so an earlier one unanswered was lost
/// on the way (Akka.Remote drops what it cannot deliver while a connection is down): its commits fail, so a 5.0
/// publisher gets 0x80 and a 3.x one's connection closes unacknowledged, and either sends again;</item>
/// <item>a node whose oldest unanswered batch is older than <see cref="NodeSenderSettings.StallTimeout"/>: a stalled
/// subscriber (ARCHITECTURE.md, "Overload"). Everything it holds is given back (<see cref="GiveUp"/>), what it answers
/// for those later is ignored, and until it answers again nothing more is held for it, so publishers are not slowed by
/// a node that is gone until the cluster removes it; beyond a window per check its messages are dropped, logged;</item>
/// <item>a commit whose batch was answered but which stays open for three stall timeouts (its completion lost, or a
/// participant there that never leaves).</item>
/// </list>
/// A durable forward (<see cref="PendingForward.Durable"/>: a publish under sync durability to a node with durable
/// subscribers on its topic) is never given up as a stalled subscriber's is: its commit is held while the node is a
/// member, however long it answers nothing (a node that died is one until the cluster removes it), then until the
/// node's sessions are adopted elsewhere once it is removed (<see cref="AdoptionHolds"/>), and fails then, or when the
/// node is alive and answering but let the commit sit for three stall timeouts. Acknowledging it would
/// promise a message that the dead node's sessions, adopted elsewhere from storage, may never have had.
/// </summary>
internal sealed class NodeSender : ReceiveActor, IWithTimers
{
    private readonly NodeLink _link;
    private readonly NodeSenderSettings _settings;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly SortedDictionary<long, InFlight> _inFlight = [];
    private readonly Dictionary<long, Waiting> _commits = [];
    private long _sequence;
    private long _commitId;
    private bool _stalled;
    private long _dropped;

    public NodeSender(NodeLink link, NodeSenderSettings settings)
    {
        _link = link;
        _settings = settings;
        Receive<Drain>(_ => OnDrain());
        Receive<BatchAck>(OnBatchAck);
        Receive<CommitsDone>(done =>
        {
            Complete(done.Completed, done.Failed);
            Answered();
        });
        Receive<CheckStall>(_ => OnCheckStall());
    }

    public ITimerScheduler Timers { get; set; } = null!;

    /// <summary>
    /// Gives up waiting for a node on a publisher's commit. One that waits for no durable subscriber there is left, as a
    /// stalled subscriber's hold is: failing it would close every 3.x publisher to a topic with a route on a dead node,
    /// again and again until the node is removed. A durable one fails: the publisher is told, and sends again.
    /// </summary>
    public static void GiveUp(PublishCommit commit, bool durable)
    {
        if (durable)
        {
            commit.Fail();
        }
        else
        {
            commit.Succeed();
        }
    }

    protected override void PreStart()
    {
        var every = TimeSpan.FromTicks(Math.Max(_settings.StallTimeout.Ticks / 4, TimeSpan.FromMilliseconds(100).Ticks));
        Timers.StartPeriodicTimer(nameof(CheckStall), CheckStall.Instance, every);
    }

    protected override void PostStop()
    {
        var released = ReleaseAll(removed: true);
        while (_link.Queue.TryDequeue(out var pending))
        {
            if (pending is { Durable: true, Commit: { } commit })
            {
                pending.Credit?.Return();
                _settings.Holds.Hold(_link.Node, commit);
            }
            else
            {
                pending.GiveUp();
            }

            released++;
        }

        if (released > 0 || _dropped > 0)
        {
            _log.Warning("Forwarding to {0} stopped (the node was removed): {1} messages and acknowledgements given back (those for its durable sessions held until they are adopted), {2} dropped while it answered nothing",
                _link.Node, released, _dropped);
        }
    }

    private void OnDrain()
    {
        _link.DrainStarted();
        SendBatches();
    }

    private void SendBatches()
    {
        while (!_link.Queue.IsEmpty)
        {
            if (_inFlight.Count >= _settings.Window)
            {
                if (_stalled)
                {
                    DropQueued();
                }

                return;
            }

            var items = new List<ForwardItem>();
            var batch = new InFlight(Stopwatch.GetTimestamp());
            var bytes = ForwardBatch.HeaderLength;
            // One consumer: the message peeked at is the one dequeued. A batch closes before a message that would take
            // it past MaxBytes, so only a message larger than that goes alone, and a batch fits the remoting frame.
            while (items.Count < _settings.MaxItems && _link.Queue.TryPeek(out var next))
            {
                var size = ForwardItem.WireSize(next.Message, next.Groups);
                if (items.Count > 0 && bytes + size > _settings.MaxBytes)
                {
                    break;
                }

                _link.Queue.TryDequeue(out var pending);
                var commitId = 0L;
                if (_stalled && !pending!.Durable)
                {
                    pending.GiveUp();
                }
                else
                {
                    if (pending!.Commit is { } commit)
                    {
                        commitId = ++_commitId;
                        _commits[commitId] = new Waiting(commit, batch.SentAt, pending.Durable);
                        batch.CommitIds.Add(commitId);
                    }

                    if (pending.Credit is { } credit)
                    {
                        batch.Credits.Add(credit);
                    }
                }

                items.Add(new ForwardItem(pending.Message, pending.Groups, commitId));
                bytes += size;
            }

            // A stalled node's batches hold nothing but durable commits, and still count against the window: at most a
            // window of them is sent per check while it answers nothing, and what comes beyond is dropped, as a stalled
            // subscriber's (a durable one failed).
            var sequence = ++_sequence;
            _inFlight[sequence] = batch;
            _settings.Receiver.Tell(new ForwardBatch(sequence, items, bytes), Self);
        }
    }

    private void DropQueued()
    {
        while (_link.Queue.TryDequeue(out var pending))
        {
            pending.GiveUp();
            _dropped++;
        }
    }

    private void OnBatchAck(BatchAck ack)
    {
        var lost = 0;
        while (_inFlight.Count > 0 && _inFlight.Keys.First() < ack.Sequence)
        {
            var sequence = _inFlight.Keys.First();
            lost += GiveBack(_inFlight[sequence]);
            _inFlight.Remove(sequence);
        }

        if (lost > 0)
        {
            _log.Warning("Node {0} answered batch {1} before earlier ones: {2} messages lost on the way, their publishers' acknowledgements failed",
                _link.Node, ack.Sequence, lost);
        }

        if (_inFlight.Remove(ack.Sequence, out var batch))
        {
            batch.ReturnCredits();
        }

        Complete(ack.Completed, ack.Failed);
        Answered();
        SendBatches();
    }

    private void Complete(long[] completed, long[] failed)
    {
        foreach (var id in completed)
        {
            if (_commits.Remove(id, out var waiting))
            {
                waiting.Commit.Succeed();
            }
        }

        foreach (var id in failed)
        {
            if (_commits.Remove(id, out var waiting))
            {
                waiting.Commit.Fail();
            }
        }
    }

    private void Answered()
    {
        if (_stalled)
        {
            _stalled = false;
            _log.Info("Node {0} answers again: its messages hold their publishers' acknowledgements again ({1} dropped while it did not)",
                _link.Node, _dropped);
            _dropped = 0;
        }
    }

    private void OnCheckStall()
    {
        if (_inFlight.Count > 0 && Stopwatch.GetElapsedTime(_inFlight.Values.First().SentAt) >= _settings.StallTimeout)
        {
            var released = ReleaseAll(removed: false);
            if (!_stalled)
            {
                _stalled = true;
                _log.Warning("Node {0} answered nothing for {1}: {2} messages' credits and acknowledgements given back, and none held until it answers, as for a stalled subscriber, but those of its durable sessions ({3}), held until it answers or is removed",
                    _link.Node, _settings.StallTimeout, released, _commits.Count);
            }

            SendBatches();
            return;
        }

        // A durable commit is overdue only while the node answers: one that answers nothing may be dead, and its
        // removal decides.
        var overdue = _commits
            .Where(c => Stopwatch.GetElapsedTime(c.Value.Since) >= 3 * _settings.StallTimeout && !(c.Value.Durable && _stalled))
            .Select(c => c.Key).ToArray();
        foreach (var id in overdue)
        {
            _commits.Remove(id, out var waiting);
            GiveUp(waiting.Commit, waiting.Durable);
        }

        if (overdue.Length > 0)
        {
            _log.Warning("Node {0} did not complete {1} acknowledgements within {2}: given up, as for a stalled subscriber",
                _link.Node, overdue.Length, 3 * _settings.StallTimeout);
        }
    }

    /// <summary>A batch lost on the way: its credits back, its open commits failed; returns its message count held.</summary>
    private int GiveBack(InFlight batch)
    {
        var held = Math.Max(batch.Credits.Count, batch.CommitIds.Count);
        batch.ReturnCredits();
        foreach (var id in batch.CommitIds)
        {
            if (_commits.Remove(id, out var waiting))
            {
                waiting.Commit.Fail();
            }
        }

        return held;
    }

    /// <summary>
    /// Gives back every credit held for messages sent and every commit but the durable ones, which stay until the node
    /// answers for them, or, once it was <paramref name="removed"/>, until its sessions are adopted
    /// (<see cref="AdoptionHolds"/>); returns how many messages held something.
    /// </summary>
    private int ReleaseAll(bool removed)
    {
        var count = 0;
        foreach (var batch in _inFlight.Values)
        {
            count += batch.Credits.Count;
            batch.ReturnCredits();
        }

        _inFlight.Clear();
        foreach (var (id, waiting) in _commits.ToArray())
        {
            if (!waiting.Durable)
            {
                _commits.Remove(id);
                GiveUp(waiting.Commit, durable: false);
            }
            else if (removed)
            {
                _commits.Remove(id);
                _settings.Holds.Hold(_link.Node, waiting.Commit);
            }
        }

        return count;
    }

    public sealed class Drain
    {
        public static readonly Drain Instance = new();
    }

    private sealed class CheckStall
    {
        public static readonly CheckStall Instance = new();
    }

    /// <summary>A batch sent and not yet answered: what it holds, and since when.</summary>
    private sealed class InFlight(long sentAt)
    {
        public long SentAt { get; } = sentAt;

        public List<IInboundCredit> Credits { get; } = [];

        public List<long> CommitIds { get; } = [];

        public void ReturnCredits()
        {
            foreach (var credit in Credits)
            {
                credit.Return();
            }

            Credits.Clear();
        }
    }

    private readonly record struct Waiting(PublishCommit Commit, long Since, bool Durable);
}
