using System.Buffers;
using Broker.Core.Messaging;
using Broker.Core.Routing;
using Broker.Mqtt;
using Broker.Mqtt.Codec;
using Broker.Mqtt.Packets;
using Broker.Mqtt.Properties;

namespace Broker.Core.Sessions;

/// <summary>Outgoing messages: delivery options, the inflight window, the queue and the acknowledgements from the client.</summary>
public sealed partial class SessionState
{
    /// <summary>
    /// A message the router matched to this session's subscriptions. Sent now when the client is
    /// connected and there is room (QoS 0: the connection is writable; QoS 1/2: the window has room and
    /// nothing is queued before it), queued otherwise. Returns true when the session kept the delivery's
    /// inbound credit (SessionState.PushBack.cs): the caller must not return it.
    /// </summary>
    /// <param name="room">What the connection takes now; what the turn sends counts against it.</param>
    public bool Deliver(Deliver deliver, ConnectionRoom room, long nowMs)
    {
        ArgumentNullException.ThrowIfNull(deliver);
        Input(room);
        var creditHeld = Admit(deliver, nowMs);
        ArmTimers();
        return creditHeld;
    }

    /// <summary>
    /// A retained message of <paramref name="filter"/>, looked up for the subscription just granted (the answer to
    /// <see cref="SessionEffectKind.GetRetained"/>): delivered as the router would, RETAIN kept [MQTT-3.3.1-8]. The
    /// connection's room is the SUBSCRIBE's, less what was sent since: what was sent is not written yet.
    /// </summary>
    public void DeliverRetained(ApplicationMessage message, string filter, SessionSubscription subscription, long nowMs)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(subscription);
        Admit(new Deliver(message, filter, subscription.Options, subscription.SubscriptionId, null, fromRetained: true), nowMs);
        ArmTimers();
    }

    private bool Admit(Deliver deliver, long nowMs)
    {
        var queued = Accept(deliver, nowMs);
        var creditHeld = queued && TryHoldCredit(deliver, nowMs);
        if (deliver.Admission is { } admission)
        {
            if (queued)
            {
                HoldAdmission(admission);
            }
            else
            {
                _effects.Add(SessionEffect.LeaveCommit(admission));
            }
        }

        UpdatePushBack(nowMs);
        return creditHeld;
    }

    /// <summary>Sends, queues or drops the message; true when it was queued.</summary>
    private bool Accept(Deliver deliver, long nowMs)
    {
        // Subscriptions removed on its way [MQTT-3.10.4-2] and No Local ones [MQTT-3.8.3-3] no longer match; how
        // the rest combine into one copy: SessionState.Matches.cs.
        if (StillMatching(deliver) is not { } matching)
        {
            return false;
        }

        deliver = matching;
        if (deliver.Message.IsExpired(nowMs))
        {
            CountDrop(DropReason.Expired); // [MQTT-3.3.2-5]
            return false;
        }

        // [MQTT-3.8.4-8]: the minimum of the published QoS and the granted QoS, the highest of the matches [MQTT-3.3.4-2].
        var qos = (QualityOfService)Math.Min((byte)deliver.Message.QoS, (byte)deliver.MaximumQoS);
        if (IsConnected)
        {
            // The connection drained below its low-water mark; its ConnectionWritable may still be far behind in
            // the mailbox, behind deliveries from many publishers: the queue goes now, not after them.
            if (_queue.AtMostOnceCount > 0 && Writable)
            {
                DrainQueue(nowMs);
            }

            // Nothing overtakes a queued message of its own QoS [MQTT-4.6.0-6].
            var canSend = qos == QualityOfService.AtMostOnce
                ? Writable && _queue.AtMostOnceCount == 0
                : _queue.Count == 0 && _inflight.HasRoom;
            if (canSend)
            {
                Publish(deliver, qos, 0, nowMs);
                return false;
            }

            Enqueue(new QueuedDelivery(deliver, qos), overflow: HoldsPublishers(nowMs));
            return true;
        }

        if (qos == QualityOfService.AtMostOnce && !_settings.QueueQoS0)
        {
            CountDrop(DropReason.QoS0Message);
            return false;
        }

        Enqueue(new QueuedDelivery(deliver, qos));
        return true;
    }

    /// <summary>The connection is writable again (or was just attached): queued messages go while it and the window take them.</summary>
    /// <param name="room">What the connection takes now.</param>
    public void Drain(ConnectionRoom room, long nowMs)
    {
        Input(room);
        Drain(nowMs);
        ArmTimers();
    }

    /// <summary>Sends queued messages while the connection and the window take them, in queue order.</summary>
    private void Drain(long nowMs)
    {
        if (!IsConnected)
        {
            return;
        }

        DrainQueue(nowMs);
        UpdatePushBack(nowMs);
    }

    private void DrainQueue(long nowMs)
    {
        while (_queue.TryPeek(out var next))
        {
            if (next.QoS == QualityOfService.AtMostOnce)
            {
                if (!Writable)
                {
                    return;
                }
            }
            else if (!_inflight.HasRoom)
            {
                // The window is full, the connection may not be: the QoS 0 messages behind may go.
                while (Writable && TryDequeueAtMostOnce(out var qos0))
                {
                    PublishUnlessExpired(qos0, nowMs);
                }

                return;
            }

            TryDequeue(out _);
            PublishUnlessExpired(next, nowMs);
        }
    }

    private void PublishUnlessExpired(QueuedDelivery queued, long nowMs)
    {
        if (queued.Deliver.Message.IsExpired(nowMs))
        {
            CountDrop(DropReason.Expired); // [MQTT-3.3.2-5]: expired while it waited
            Discarded(queued);
            return;
        }

        Publish(queued.Deliver, queued.QoS, queued.Id, nowMs);
    }

    /// <summary>PUBACK, PUBREC or PUBCOMP for a message this session sent, or PUBREL for one it received.</summary>
    /// <param name="room">What the connection takes now.</param>
    public void HandleAcknowledgement(PublishAcknowledgement acknowledgement, ConnectionRoom room, long nowMs)
    {
        ArgumentNullException.ThrowIfNull(acknowledgement);
        Input(room);
        Progressed(nowMs);
        switch (acknowledgement)
        {
            case PubAckPacket ack:
                HandlePubAck(ack.PacketId, nowMs);
                break;
            case PubRecPacket rec:
                HandlePubRec(rec, nowMs);
                break;
            case PubCompPacket comp:
                HandlePubComp(comp.PacketId, nowMs);
                break;
            case PubRelPacket rel:
                HandlePubRel(rel.PacketId);
                break;
        }

        ArmTimers();
    }

    /// <summary>
    /// 3.x only: resends what has waited <c>retry_interval</c> for its acknowledgement. 5.0 forbids
    /// resending on a live connection [MQTT-4.4.0-1]; the session does it only on reconnection.
    /// </summary>
    private void RetryUnacknowledged(long nowMs)
    {
        if (!IsConnected || _client.IsV5)
        {
            return;
        }

        var cutoff = nowMs - (long)_settings.RetryInterval.TotalMilliseconds;
        ResendInflight(nowMs, m => m.SentAtMs <= cutoff);
    }

    /// <summary>When <see cref="RetryUnacknowledged"/> next has something to resend; null when never (5.0, offline, nothing in flight).</summary>
    public long? NextRetryDueMs()
    {
        if (!IsConnected || _client.IsV5 || _inflight.Count == 0)
        {
            return null;
        }

        var oldest = _inflight.OldestSentAtMs();
        return oldest + (long)_settings.RetryInterval.TotalMilliseconds;
    }

    private void HandlePubAck(ushort packetId, long nowMs)
    {
        // An unknown id, or one of a QoS 2 exchange, is ignored.
        if (_inflight.TryGet(packetId, out var message) && message.Packet.QoS == QualityOfService.AtLeastOnce && RemoveInflight(packetId))
        {
            Drain(nowMs);
        }
    }

    private void HandlePubRec(PubRecPacket rec, long nowMs)
    {
        if (!_inflight.TryGet(rec.PacketId, out var message) || message.Packet.QoS != QualityOfService.ExactlyOnce)
        {
            Send(new PubRelPacket { PacketId = rec.PacketId, ReasonCode = NotFoundOnV5() });
            return;
        }

        // A failure code ends the exchange: the message is not delivered, and no PUBREL follows (4.3.3).
        if ((byte)rec.ReasonCode >= 0x80)
        {
            RemoveInflight(rec.PacketId);
            Drain(nowMs);
            return;
        }

        if (message.Phase == InflightPhase.AwaitingAck)
        {
            UpdateInflight(message with { Phase = InflightPhase.AwaitingComp, SentAtMs = nowMs });
        }

        Send(new PubRelPacket { PacketId = rec.PacketId });
    }

    private void HandlePubComp(ushort packetId, long nowMs)
    {
        if (_inflight.TryGet(packetId, out var message) && message.Phase == InflightPhase.AwaitingComp && RemoveInflight(packetId))
        {
            Drain(nowMs);
        }
    }

    private ReasonCode NotFoundOnV5() => _client.IsV5 ? ReasonCode.PacketIdentifierNotFound : ReasonCode.Success;

    /// <summary>Resends, in first-sent order, the PUBLISH (with DUP set [MQTT-3.3.1-1]) or PUBREL of every matching inflight message.</summary>
    private void ResendInflight(long nowMs, Func<InflightMessage, bool> due)
    {
        foreach (var message in _inflight.InOrder())
        {
            if (!due(message))
            {
                continue;
            }

            Send(message.Phase == InflightPhase.AwaitingAck
                ? message.Packet with { Dup = true }
                : new PubRelPacket { PacketId = message.PacketId });
            UpdateInflight(message with { SentAtMs = nowMs });
        }
    }

    /// <summary>Builds the PUBLISH for this client and sends it; QoS 1/2 get a packet id and enter the window.</summary>
    /// <param name="queuedId">The journal id of a message that comes out of the queue; 0 for a new one.</param>
    private void Publish(Deliver deliver, QualityOfService qos, long queuedId, long nowMs)
    {
        var packet = BuildPublish(deliver, qos, nowMs);

        // [MQTT-3.1.2-25]: too large for the client: discarded, as if it had been delivered.
        if ((uint)MqttEncoder.GetSize(packet, _client.ProtocolVersion) > _client.MaximumPacketSize)
        {
            CountDrop(DropReason.TooLarge);
            Discarded(queuedId);
            return;
        }

        if (qos != QualityOfService.AtMostOnce)
        {
            if (!_packetIds.TryAllocate(_isInflight ??= _inflight.Contains, out var packetId))
            {
                Enqueue(new QueuedDelivery(deliver, qos, queuedId));
                return;
            }

            packet = packet with { PacketId = packetId };
            AddInflight(new InflightMessage(packet, deliver, InflightPhase.AwaitingAck, nowMs), queuedId);
        }

        Send(packet);
        _metrics.MessageDelivered(qos);
    }

    private PublishPacket BuildPublish(Deliver deliver, QualityOfService qos, long nowMs)
    {
        var message = deliver.Message;
        return new PublishPacket
        {
            Topic = message.Topic,
            QoS = qos,

            // Retained messages sent for a new subscription keep RETAIN [MQTT-3.3.1-8]; live ones carry it
            // only with Retain As Published [MQTT-3.3.1-12], [MQTT-3.3.1-13].
            Retain = deliver.FromRetained || (deliver.RetainAsPublished && message.Retain),
            Payload = new ReadOnlySequence<byte>(message.Payload),
            Properties = _client.IsV5 ? ForwardedProperties(deliver, nowMs) : MqttProperties.Empty,
        };
    }

    private static MqttProperties ForwardedProperties(Deliver deliver, long nowMs)
    {
        var properties = deliver.Message.Properties;

        // [MQTT-3.3.2-6]: the expiry interval forwarded is what remains of it.
        if (deliver.Message.RemainingExpirySeconds(nowMs) is { } remaining && remaining != properties.MessageExpiryInterval)
        {
            properties = properties with { MessageExpiryInterval = remaining };
        }

        // [MQTT-3.3.4-3], [MQTT-3.3.4-4]: the identifiers of every subscription that matched, in the one copy sent.
        if (deliver.SubscriptionIdentifiers() is { Length: > 0 } identifiers)
        {
            properties = properties with { SubscriptionIdentifiers = identifiers };
        }

        return properties;
    }
}
