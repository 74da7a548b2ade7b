using Broker.Core.Messaging;
using Broker.Mqtt;
using Broker.Mqtt.Packets;

namespace Broker.Core.Sessions;

/// <summary>Incoming PUBLISH and PUBREL: routing, acknowledgement, exactly-once for QoS 2.</summary>
public sealed partial class SessionState
{
    // The current connection's; null until its first QoS 1/2 PUBLISH, and for 3.x clients.
    private ReceiveQuota? _receiveQuota;

    /// <summary>
    /// A PUBLISH from the client. QoS 0 is routed; QoS 1 routed and acknowledged with PUBACK; QoS 2
    /// routed once and acknowledged with PUBREC, its id then kept until PUBREL, so that a resent PUBLISH
    /// is acknowledged again but not routed again [MQTT-4.3.3-10]. A 5.0 client with more QoS 1/2 PUBLISH
    /// unanswered than our Receive Maximum [MQTT-3.3.4-7], or any client with more unreleased QoS 2
    /// messages than <c>max_awaiting_rel</c>, gets DISCONNECT 0x93 (3.x: the connection is closed), and
    /// that PUBLISH is not routed.
    /// </summary>
    /// <param name="credit">The publishing connection's flow control, passed on to the deliveries.</param>
    /// <param name="denied">Refused by authorization: see <see cref="HandleDeniedPublish"/>.</param>
    public void HandlePublish(ApplicationMessage message, ushort packetId, long nowMs, IInboundCredit? credit = null, bool denied = false)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (message.QoS != QualityOfService.AtMostOnce && !TakeReceiveQuota(packetId))
        {
            ReceiveMaximumExceeded();
            ArmTimers();
            return;
        }

        if (denied)
        {
            HandleDeniedPublish(message.QoS, packetId, nowMs);
            return;
        }

        switch (message.QoS)
        {
            case QualityOfService.AtMostOnce:
                ArmTimers();
                _effects.Add(SessionEffect.Publish(message, credit, null, 0));
                break;
            case QualityOfService.AtLeastOnce:
                ArmTimers();
                Route(message, packetId, credit);
                break;
            case QualityOfService.ExactlyOnce:
                HandleQoS2Publish(message, packetId, nowMs, credit);
                break;
        }
    }

    /// <summary>
    /// A PUBLISH authorization refused goes nowhere, but its acknowledgement keeps its place among the others
    /// [MQTT-4.6.0-2]: 0x87 on 5.0 (a PUBREC of 0x87 ends a QoS 2 exchange); 3.x has no way to say it, so it is
    /// acknowledged as usual and dropped (EMQX does the same), a QoS 2 one kept until PUBREL as any other.
    /// </summary>
    private void HandleDeniedPublish(QualityOfService qos, ushort packetId, long nowMs)
    {
        CountDrop(DropReason.NotAuthorized);
        ArmTimers();
        if (qos == QualityOfService.AtMostOnce)
        {
            return;
        }

        if (qos == QualityOfService.ExactlyOnce && (!_client.IsV5 || _awaitingRel.Contains(packetId)))
        {
            // 3.x: kept until PUBREL as any other. Either version, an id already awaiting PUBREL is a resend of a
            // message accepted before (the client's rights may have changed since): it is answered as that one was,
            // never with a refusal that would end an exchange whose message was delivered.
            switch (AddAwaitingRel(packetId, nowMs))
            {
                case AwaitingRelAddResult.Full:
                    ReceiveMaximumExceeded();
                    return;
                case AwaitingRelAddResult.AlreadyAwaiting:
                    if (PendingAcknowledgementOf(packetId) is { } pending)
                    {
                        AcknowledgeAfter(pending with { ConnectionId = _connectionId });
                    }
                    else
                    {
                        Send(new PubRecPacket { PacketId = packetId });
                    }

                    return;
            }
        }

        var reason = _client.IsV5 ? ReasonCode.NotAuthorized : ReasonCode.Success;
        AcknowledgeAfter(new PendingAcknowledgement(packetId, qos, 0, null, _connectionId, reason));
    }

    /// <summary>A <see cref="PublishCommit"/> of this session's has completed: the acknowledgements it held back go out, in order.</summary>
    public void PublishCommitted(PublishCommit commit)
    {
        ArgumentNullException.ThrowIfNull(commit);
        FlushAcknowledgements();
    }

    /// <summary>Forgets inbound QoS 2 ids that waited for PUBREL longer than <c>await_rel_timeout</c>; returns how many.</summary>
    public int ExpireAwaitingRel(long nowMs)
    {
        var expired = RemoveAwaitingRelBefore(nowMs - (long)_settings.AwaitRelTimeout.TotalMilliseconds);
        foreach (var _ in expired)
        {
            CountDrop(DropReason.AwaitPubRelTimeout);
        }

        return expired.Count;
    }

    /// <summary>When <see cref="ExpireAwaitingRel"/> next has something to forget; null when nothing waits.</summary>
    public long? NextAwaitRelExpiryMs() =>
        _awaitingRel.OldestReceivedAtMs is { } oldest ? oldest + (long)_settings.AwaitRelTimeout.TotalMilliseconds : null;

    private void HandleQoS2Publish(ApplicationMessage message, ushort packetId, long nowMs, IInboundCredit? credit)
    {
        var added = AddAwaitingRel(packetId, nowMs);
        ArmTimers();
        switch (added)
        {
            case AwaitingRelAddResult.Added:
                Route(message, packetId, credit);
                break;
            case AwaitingRelAddResult.AlreadyAwaiting:
                // A resend while the first is still being committed is answered with it, so never before it.
                if (PendingAcknowledgementOf(packetId) is { } pending)
                {
                    AcknowledgeAfter(pending with { ConnectionId = _connectionId });
                }
                else
                {
                    Send(new PubRecPacket { PacketId = packetId });
                }

                break;
            case AwaitingRelAddResult.Full:
                ReceiveMaximumExceeded();
                break;
        }
    }

    private void ReceiveMaximumExceeded()
    {
        _metrics.ProtocolError();
        Close(ReasonCode.ReceiveMaximumExceeded);
    }

    /// <summary>PUBREL ends an inbound QoS 2 exchange with PUBCOMP; an unknown id gets 0x92 on 5.0.</summary>
    private void HandlePubRel(ushort packetId)
    {
        var known = RemoveAwaitingRel(packetId);
        Send(new PubCompPacket { PacketId = packetId, ReasonCode = known ? ReasonCode.Success : NotFoundOnV5() });
        GiveBackReceiveQuota(packetId);
    }

    // 3.x has no Receive Maximum: only max_awaiting_rel bounds what its clients leave unanswered.
    private bool TakeReceiveQuota(ushort packetId) =>
        !_client.IsV5 || (_receiveQuota ??= new ReceiveQuota(_settings.ReceiveMaximum)).TryTake(packetId);

    /// <summary>A PUBACK, a PUBCOMP or a refusing PUBREC went to the current connection.</summary>
    private void GiveBackReceiveQuota(ushort packetId) => _receiveQuota?.GiveBack(packetId);

    /// <summary>5.0 tells the publisher when nobody subscribed (0x10); 3.x acknowledgements carry no reason.</summary>
    private ReasonCode RoutedReason(int delivered) =>
        delivered == 0 && _client.IsV5 ? ReasonCode.NoMatchingSubscribers : ReasonCode.Success;
}
