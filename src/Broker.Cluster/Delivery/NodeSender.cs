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
/// as by a local subscriber. A node that answers nothing for <see cref="NodeSenderSettings.StallTimeout"/> while
/// messages wait for it is treated as a stalled subscriber (ARCHITECTURE.md, "Overload"): everything it holds is given
/// back (and logged), what it answers for those later is ignored, and until it answers again nothing more is held for
/// it, so publishers are not slowed by a node that is gone until the cluster removes it; beyond a window per check,
/// its messages are dropped and counted in the log.
/// </summary>
internal sealed class NodeSender : ReceiveActor, IWithTimers
{
    private readonly NodeLink _link;
    private readonly NodeSenderSettings _settings;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly Dictionary<long, List<IInboundCredit>> _inFlight = [];
    private readonly Dictionary<long, PublishCommit> _commits = [];
    private long _sequence;
    private long _commitId;
    private long _lastProgress;
    private bool _stalled;
    private long _dropped;

    public NodeSender(NodeLink link, NodeSenderSettings settings)
    {
        _link = link;
        _settings = settings;
        Receive<Drain>(_ => OnDrain());
        Receive<BatchAck>(OnBatchAck);
        Receive<CommitsDone>(done => Complete(done.Completed, done.Failed));
        Receive<CheckStall>(_ => OnCheckStall());
    }

    public ITimerScheduler Timers { get; set; } = null!;

    protected override void PreStart()
    {
        var every = TimeSpan.FromTicks(Math.Max(_settings.StallTimeout.Ticks / 4, TimeSpan.FromMilliseconds(100).Ticks));
        Timers.StartPeriodicTimer(nameof(CheckStall), CheckStall.Instance, every);
    }

    protected override void PostStop()
    {
        var released = Release();
        while (_link.Queue.TryDequeue(out var pending))
        {
            pending.Release();
            released++;
        }

        if (released > 0 || _dropped > 0)
        {
            _log.Warning("Forwarding to {0} stopped (the node was removed): {1} messages and acknowledgements given back, {2} dropped while it answered nothing",
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
            var credits = new List<IInboundCredit>();
            var bytes = 0L;
            while (items.Count < _settings.MaxItems && bytes < _settings.MaxBytes && _link.Queue.TryDequeue(out var pending))
            {
                var commitId = 0L;
                if (_stalled)
                {
                    pending.Release();
                }
                else
                {
                    if (pending.Commit is { } commit)
                    {
                        commitId = ++_commitId;
                        _commits[commitId] = commit;
                    }

                    if (pending.Credit is { } credit)
                    {
                        credits.Add(credit);
                    }
                }

                items.Add(new ForwardItem(pending.Message, pending.Groups, commitId));
                bytes += pending.Message.Payload.Length + pending.Message.Topic.Length + 64;
            }

            if (_inFlight.Count == 0 && !_stalled)
            {
                _lastProgress = Stopwatch.GetTimestamp();
            }

            // A stalled node's batches hold nothing, but still count against the window: at most a window of them is
            // sent per check while it answers nothing, and what comes beyond is dropped, as a stalled subscriber's.
            var sequence = ++_sequence;
            _inFlight[sequence] = credits;
            _settings.Receiver.Tell(new ForwardBatch(sequence, items), Self);
        }
    }

    private void DropQueued()
    {
        while (_link.Queue.TryDequeue(out var pending))
        {
            pending.Release();
            _dropped++;
        }
    }

    private void OnBatchAck(BatchAck ack)
    {
        if (_inFlight.Remove(ack.Sequence, out var credits))
        {
            foreach (var credit in credits)
            {
                credit.Return();
            }
        }

        Complete(ack.Completed, ack.Failed);
        SendBatches();
    }

    private void Complete(long[] completed, long[] failed)
    {
        _lastProgress = Stopwatch.GetTimestamp();
        if (_stalled)
        {
            _stalled = false;
            _log.Info("Node {0} answers again: its messages hold their publishers' acknowledgements again ({1} dropped while it did not)",
                _link.Node, _dropped);
            _dropped = 0;
        }

        foreach (var id in completed)
        {
            if (_commits.Remove(id, out var commit))
            {
                commit.Succeed();
            }
        }

        foreach (var id in failed)
        {
            if (_commits.Remove(id, out var commit))
            {
                commit.Fail();
            }
        }
    }

    private void OnCheckStall()
    {
        if ((_inFlight.Count == 0 && _commits.Count == 0) || Stopwatch.GetElapsedTime(_lastProgress) < _settings.StallTimeout)
        {
            return;
        }

        var released = Release();
        if (!_stalled)
        {
            _stalled = true;
            _log.Warning("Node {0} answered nothing for {1}: {2} messages' credits and acknowledgements given back, and none held until it answers, as for a stalled subscriber",
                _link.Node, _settings.StallTimeout, released);
        }

        SendBatches();
    }

    /// <summary>Gives back every credit and commit held for messages sent; returns how many there were.</summary>
    private int Release()
    {
        var count = _commits.Count;
        foreach (var credits in _inFlight.Values)
        {
            foreach (var credit in credits)
            {
                credit.Return();
            }

            count += credits.Count;
        }

        foreach (var commit in _commits.Values)
        {
            commit.Succeed();
        }

        _inFlight.Clear();
        _commits.Clear();
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
}
