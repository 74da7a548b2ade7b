using Broker.Core.Sessions.Journal;
using Broker.Mqtt;

namespace Broker.Core.Sessions;

/// <summary>
/// Rebuilding a durable session: from a <see cref="SessionStateSnapshot"/> and the <see cref="SessionEvent"/>s
/// after it. Replay changes memory only; <see cref="Resubscribe"/> then asks for the subscriptions' routes again,
/// and the next <see cref="Attach"/> resends what is in flight.
/// </summary>
public sealed partial class SessionState
{
    // Recovered packets were built without knowing the next client (5.0 properties or not): rebuilt on attach.
    private bool _packetsRecovered;

    /// <summary>Replays one journaled change; returns no effect.</summary>
    public void Apply(SessionEvent @event, long nowMs)
    {
        ArgumentNullException.ThrowIfNull(@event);
        switch (@event)
        {
            case SubscriptionAdded added:
                WritableSubscriptions[added.Filter] = added.Subscription;
                break;
            case SubscriptionRemoved removed:
                _subscriptions.Remove(removed.Filter);
                break;
            case MessageStored stored:
                Restore(stored, InflightPhase.AwaitingAck, nowMs);
                break;
            case MessageSent sent:
                if (TakeQueued(sent.Id) is { } queued)
                {
                    Restore(new MessageStored(sent.Id, queued.Deliver, queued.QoS, sent.PacketId), InflightPhase.AwaitingAck, nowMs);
                }

                break;
            case MessageReleased released:
                if (_inflight.TryGet(released.PacketId, out var message))
                {
                    _inflight.Update(message with { Phase = InflightPhase.AwaitingComp });
                }

                break;
            case MessageCompleted completed:
                _inflight.Remove(completed.PacketId);
                break;
            case MessageDiscarded discarded:
                TakeQueued(discarded.Id);
                break;
            case AwaitingRelAdded rel:
                _awaitingRel.TryAdd(rel.PacketId, rel.ReceivedAtMs);
                break;
            case AwaitingRelRemoved rel:
                _awaitingRel.Remove(rel.PacketId);
                break;
        }
    }

    /// <summary>Starts from a snapshot instead of from nothing.</summary>
    public void Restore(SessionStateSnapshot snapshot, long nowMs)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        _subscriptions = NoSubscriptions;
        _queue.Clear();
        _inflight.RemoveWhere(static _ => true);
        foreach (var added in snapshot.Subscriptions)
        {
            WritableSubscriptions[added.Filter] = added.Subscription;
        }

        foreach (var queued in snapshot.Queued)
        {
            Restore(queued, InflightPhase.AwaitingAck, nowMs);
        }

        foreach (var inflight in snapshot.Inflight)
        {
            Restore(inflight.Message, inflight.Phase, nowMs);
        }

        foreach (var rel in snapshot.AwaitingRel)
        {
            _awaitingRel.TryAdd(rel.PacketId, rel.ReceivedAtMs);
        }

        _nextMessageId = Math.Max(_nextMessageId, snapshot.NextMessageId);
    }

    /// <summary>The durable state now: QoS 0 messages are left out, as from the journal.</summary>
    public SessionStateSnapshot TakeSnapshot()
    {
        var subscriptions = _subscriptions.Select(static s => new SubscriptionAdded(s.Key, s.Value)).ToList();
        var queued = QueuedInOrder();
        var inflight = _inflight.InOrder()
            .Select(static m => new InflightSnapshot(new MessageStored(0, m.Source, m.Packet.QoS, m.PacketId), m.Phase))
            .ToList();
        var rel = _awaitingRel.Entries().Select(static e => new AwaitingRelAdded(e.PacketId, e.ReceivedAtMs)).ToList();
        return new SessionStateSnapshot(subscriptions, queued, inflight, rel, _nextMessageId);
    }

    /// <summary>
    /// The session becomes durable: queued QoS 1/2 messages get their journal ids, and the whole state is
    /// recorded as events, so that the journal holds all of it from here on.
    /// </summary>
    public void BeginJournal()
    {
        if (IsJournaled)
        {
            return;
        }

        foreach (var queued in _queue.RemoveWhere(static _ => true))
        {
            _queue.Enqueue(queued.QoS == QualityOfService.AtMostOnce || queued.Id != 0 ? queued : queued with { Id = _nextMessageId++ });
        }

        IsJournaled = true;
        var state = TakeSnapshot();
        foreach (var added in state.Subscriptions)
        {
            Record(added);
        }

        foreach (var queued in state.Queued)
        {
            Record(queued);
        }

        foreach (var inflight in state.Inflight)
        {
            Record(inflight.Message);
            if (inflight.Phase == InflightPhase.AwaitingComp)
            {
                Record(new MessageReleased(inflight.Message.PacketId));
            }
        }

        foreach (var rel in state.AwaitingRel)
        {
            Record(rel);
        }
    }

    /// <summary>A recovered session journals its changes from here on; what it holds is already stored.</summary>
    public void BeginJournalAfterRecovery() => IsJournaled = true;

    /// <summary>The session has ended: nothing more is recorded.</summary>
    public void EndJournal() => IsJournaled = false;

    /// <summary>
    /// Asks for the route of every subscription (again), marked durable or not: after recovery, and when the
    /// session starts or stops outliving restarts.
    /// </summary>
    public void Resubscribe()
    {
        foreach (var (filter, subscription) in _subscriptions)
        {
            _effects.Add(SessionEffect.AddRoute(filter, subscription, IsJournaled));
        }
    }

    private List<MessageStored> QueuedInOrder() =>
        [.. _queue.Items().Where(static q => q.QoS != QualityOfService.AtMostOnce).Select(static q => new MessageStored(q.Id, q.Deliver, q.QoS, 0))];

    private void Restore(MessageStored stored, InflightPhase phase, long nowMs)
    {
        _nextMessageId = Math.Max(_nextMessageId, stored.Id + 1);
        if (stored.PacketId == 0)
        {
            _queue.Enqueue(new QueuedDelivery(stored.Deliver, stored.QoS, stored.Id));
            return;
        }

        var packet = BuildPublish(stored.Deliver, stored.QoS, nowMs) with { PacketId = stored.PacketId };
        _inflight.Add(new InflightMessage(packet, stored.Deliver, phase, nowMs));
        _packetsRecovered = true;
    }

    private QueuedDelivery? TakeQueued(long id) => _queue.RemoveWhere(q => q.Id == id) is [var taken, ..] ? taken : null;

    /// <summary>Recovered PUBLISH packets are built again for the client that attaches (its version decides the properties).</summary>
    private void RebuildRecoveredPackets(long nowMs)
    {
        if (!_packetsRecovered)
        {
            return;
        }

        _packetsRecovered = false;
        foreach (var message in _inflight.InOrder())
        {
            if (message.Phase == InflightPhase.AwaitingAck)
            {
                _inflight.Update(message with { Packet = BuildPublish(message.Source, message.Packet.QoS, nowMs) with { PacketId = message.PacketId } });
            }
        }
    }
}
