using Broker.Core.Messaging;
using Broker.Mqtt;
using Broker.Mqtt.Packets;

namespace Broker.Core.Sessions;

/// <summary>
/// Acknowledging inbound QoS 1/2 publishes: PUBACK/PUBREC waits for the <see cref="PublishCommit"/> of the
/// publish (a full subscriber's room; under <c>sync</c> durability, every durable subscriber and the retained
/// store), and they go out in the order the PUBLISH packets came. A commit that failed is refused: 0x80 on 5.0; on 3.x, which has no way
/// to say it, the connection is closed unacknowledged so that the client sends it again. Nothing is
/// acknowledged that a crash could still lose.
/// </summary>
public sealed partial class SessionState
{
    private Queue<PendingAcknowledgement>? _pendingAcks;
    private PublishCommit? _spareCommit;

    /// <summary>Under sync durability: durable subscribers join the <see cref="PublishCommit"/> of every QoS 1/2 publish.</summary>
    public bool AcknowledgeAfterCommit { get; set; }

    /// <summary>Inbound publishes routed but not yet acknowledged, waiting for their commit.</summary>
    public int PendingAcknowledgementCount => _pendingAcks?.Count ?? 0;

    /// <summary>
    /// The handler's last effect: the actor routes the message with the commit given, or with a new one for this
    /// session when none is (<see cref="PublishCommit"/> tells its publisher's actor, which the state does not know),
    /// and hands it back with the number of deliveries to <see cref="Routed"/>.
    /// </summary>
    private void Route(ApplicationMessage message, ushort packetId, IInboundCredit? credit) =>
        _effects.Add(SessionEffect.Publish(message, credit, _spareCommit?.Begin(packetId), packetId));

    /// <summary>
    /// The answer to the <see cref="SessionEffectKind.Publish"/> of a QoS 1/2 message: the router told
    /// <paramref name="delivered"/> sessions, and those that must be waited for joined <paramref name="commit"/>. Seals
    /// it; the PUBACK or PUBREC goes now when nobody is left in it and nothing is acknowledged before it, else in order
    /// once it completes (<see cref="PublishCommitted"/>). 5.0 says 0x10 when nobody subscribed.
    /// </summary>
    /// <param name="commit">Begun with the message's packet id: the effect's, or the actor's new one.</param>
    public void Routed(ApplicationMessage message, PublishCommit commit, int delivered)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(commit);
        var packetId = commit.PacketId;
        var complete = commit.Seal();
        var reusable = complete && !commit.Failed; // nobody joined, or all have left: nobody holds it any more
        _spareCommit = reusable ? commit : null;
        var pending = new PendingAcknowledgement(packetId, message.QoS, delivered, reusable ? null : commit, _connectionId);
        if (complete && PendingAcknowledgementCount == 0)
        {
            Acknowledge(pending);
            return;
        }

        AcknowledgeAfter(pending);
    }

    private void AcknowledgeAfter(PendingAcknowledgement pending)
    {
        (_pendingAcks ??= new Queue<PendingAcknowledgement>()).Enqueue(pending);
        FlushAcknowledgements();
    }

    private PendingAcknowledgement? PendingAcknowledgementOf(ushort packetId)
    {
        if (_pendingAcks is null)
        {
            return null;
        }

        foreach (var pending in _pendingAcks)
        {
            if (pending.PacketId == packetId && pending.QoS == QualityOfService.ExactlyOnce)
            {
                return pending;
            }
        }

        return null;
    }

    private void FlushAcknowledgements()
    {
        while (_pendingAcks is { Count: > 0 } queue && queue.Peek().Commit is not { IsComplete: false })
        {
            Acknowledge(queue.Dequeue());
        }
    }

    private void Acknowledge(PendingAcknowledgement pending)
    {
        // Sent on the connection that sent the PUBLISH only: a client that reconnected resends it and is answered then.
        var current = _connectionId != 0 && _connectionId == pending.ConnectionId;
        if (pending.Commit is { Failed: true })
        {
            Refuse(pending, current);
            return;
        }

        if (!current)
        {
            return;
        }

        var reason = pending.Reason ?? RoutedReason(pending.Delivered);
        if (pending.QoS == QualityOfService.AtLeastOnce)
        {
            Send(new PubAckPacket { PacketId = pending.PacketId, ReasonCode = reason });
            GiveBackReceiveQuota(pending.PacketId);
        }
        else
        {
            Send(new PubRecPacket { PacketId = pending.PacketId, ReasonCode = reason });
            if (reason >= ReasonCode.UnspecifiedError)
            {
                // A failing PUBREC ends the exchange: no PUBREL follows [MQTT-4.3.3-3 (5.0)].
                GiveBackReceiveQuota(pending.PacketId);
            }
        }
    }

    private void Refuse(PendingAcknowledgement pending, bool current)
    {
        _metrics.PublishRefused();

        // Not kept: the resent PUBLISH must be routed again, not answered as a duplicate [MQTT-4.3.3-10].
        if (pending.QoS == QualityOfService.ExactlyOnce)
        {
            RemoveAwaitingRel(pending.PacketId);
        }

        if (!current)
        {
            return;
        }

        if (!_client.IsV5)
        {
            Close();
            return;
        }

        Send(pending.QoS == QualityOfService.AtLeastOnce
            ? new PubAckPacket { PacketId = pending.PacketId, ReasonCode = ReasonCode.UnspecifiedError }
            : new PubRecPacket { PacketId = pending.PacketId, ReasonCode = ReasonCode.UnspecifiedError });
        GiveBackReceiveQuota(pending.PacketId);
    }

    /// <param name="Reason">Set for a publish refused before routing; otherwise the reason follows from the deliveries.</param>
    private readonly record struct PendingAcknowledgement(
        ushort PacketId, QualityOfService QoS, int Delivered, PublishCommit? Commit, long ConnectionId, ReasonCode? Reason = null);
}
