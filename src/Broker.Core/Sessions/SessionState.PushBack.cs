using Broker.Core.Messaging;
using Broker.Core.Routing;
using Broker.Mqtt;

namespace Broker.Core.Sessions;

/// <summary>
/// Push-back from a connected subscriber that cannot keep up with QoS 1/2 messages (ARCHITECTURE.md, "Overload"):
/// <list type="bullet">
/// <item>none of its QoS 1/2 messages is dropped for want of room while it makes progress: its queue may pass
/// <c>max_mqueue_len</c>;</item>
/// <item>each queued QoS 1/2 message keeps its publisher's inbound credit, so that the publishers' sockets stop
/// being read (TCP push-back), as they do against a single-threaded broker;</item>
/// <item>while its queue is at <c>max_mqueue_len</c> it says it is full (<see cref="ISubscriberRoom"/>): publishes
/// routed to it wait for their acknowledgement (<see cref="Deliver.Admission"/>) until their message is within the
/// limit, so a PUBACK never promises what a subscriber cannot take, and 5.0 publishers are held by their Receive
/// Maximum as well.</item>
/// </list>
/// Only while it makes progress: a subscriber with messages in flight that acknowledged nothing for
/// <c>slow_subscriber_timeout</c> is stalled. It gives every credit and acknowledgement back and keeps none until it
/// acknowledges again, and its queue goes back to <c>max_mqueue_len</c>, the rest dropped and counted: a stalled
/// subscriber holds its publishers up for that long at most. An absent one (offline persistent session) holds nobody
/// and keeps <c>max_mqueue_len</c>. Credits and acknowledgements are fungible per publisher, not per message: which
/// ones come back first does not matter, only that every one does.
/// </summary>
public sealed partial class SessionState : ISubscriberRoom
{
    private Queue<IInboundCredit>? _heldCredits;
    private Queue<PublishCommit>? _heldAdmissions;
    private long _lastProgressMs;
    private volatile bool _full;

    bool ISubscriberRoom.IsFull => _full;

    public int HeldCredits => _heldCredits?.Count ?? 0;

    /// <summary>Publishes whose acknowledgement waits for room in this session's queue.</summary>
    public int HeldAdmissions => _heldAdmissions?.Count ?? 0;

    /// <summary>Connected, with messages in flight, and nothing acknowledged for <c>slow_subscriber_timeout</c>.</summary>
    public bool IsStalled(long nowMs) => IsConnected && _inflight.Count > 0 && nowMs - _lastProgressMs >= SlowSubscriberTimeoutMs;

    /// <summary>When <see cref="CheckStalled"/> should look; null while this session holds nobody back.</summary>
    public long? NextStallCheckMs() =>
        IsConnected && _inflight.Count > 0 && (HeldCredits > 0 || HeldAdmissions > 0 || _queue.IsOverLimit)
            ? _lastProgressMs + SlowSubscriberTimeoutMs
            : null;

    /// <summary>A subscriber that acknowledged nothing for <c>slow_subscriber_timeout</c> holds its publishers back no longer (<see cref="SessionTimer.Stall"/>).</summary>
    private void CheckStalled(long nowMs) => UpdatePushBack(nowMs);

    /// <summary>Every credit and acknowledgement kept goes back: the session stops without ending (shutdown, storage failure).</summary>
    public void ReleaseHeld()
    {
        _full = false;
        ReleaseDownTo(credits: 0, admissions: 0);
    }

    private long SlowSubscriberTimeoutMs => (long)_settings.SlowSubscriberTimeout.TotalMilliseconds;

    /// <summary>The client acknowledged something, attached, or its window got a first message: it is not stalled.</summary>
    private void Progressed(long nowMs) => _lastProgressMs = nowMs;

    private bool HoldsPublishers(long nowMs) => IsConnected && !IsStalled(nowMs);

    /// <summary>
    /// Keeps the credit of a QoS 1/2 delivery that was just queued for a connected client; false when the caller
    /// returns it. Not its own connection's: a client publishing to itself would stop reading the acknowledgements
    /// that would free it.
    /// </summary>
    private bool TryHoldCredit(Deliver deliver, long nowMs)
    {
        if (deliver.Credit is not { } credit
            || deliver.Message.QoS == QualityOfService.AtMostOnce
            || deliver.MaximumQoS == QualityOfService.AtMostOnce
            || !HoldsPublishers(nowMs)
            || ReferenceEquals(credit, _connectionCredit))
        {
            return false;
        }

        (_heldCredits ??= new()).Enqueue(credit);
        return true;
    }

    /// <summary>The acknowledgement of a publish routed while this session was full waits while its message is past the limit.</summary>
    private void HoldAdmission(PublishCommit admission) => (_heldAdmissions ??= new()).Enqueue(admission);

    /// <summary>
    /// After every change of the queue or the connection: a session that holds nobody back (absent or stalled) goes
    /// back to <c>max_mqueue_len</c>; credits no longer covered by queued QoS 1/2 messages go back, and so do the
    /// acknowledgements of messages now within the limit; the router learns whether this session is full.
    /// </summary>
    private void UpdatePushBack(long nowMs)
    {
        var holding = HoldsPublishers(nowMs);
        if (!holding)
        {
            TrimQueue();
        }

        var queued = _queue.Count - _queue.AtMostOnceCount;
        var limit = _queue.MaxLength;
        ReleaseDownTo(credits: holding ? queued : 0, admissions: holding && limit > 0 ? Math.Max(0, queued - limit) : 0);
        _full = holding && limit > 0 && queued >= limit;
    }

    /// <summary>Gives back the oldest credits and acknowledgements held until no more than these are left.</summary>
    private void ReleaseDownTo(int credits, int admissions)
    {
        while (_heldCredits is { Count: > 0 } held && held.Count > credits)
        {
            _effects.Add(SessionEffect.ReturnCredit(held.Dequeue()));
        }

        while (_heldAdmissions is { Count: > 0 } waiting && waiting.Count > admissions)
        {
            _effects.Add(SessionEffect.LeaveCommit(waiting.Dequeue()));
        }
    }

    private void TrimQueue()
    {
        foreach (var dropped in _queue.TrimToLimit())
        {
            DroppedFromQueue(dropped);
        }
    }
}
