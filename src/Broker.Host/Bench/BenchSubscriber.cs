using System.Buffers;
using Broker.Mqtt;
using Broker.Mqtt.Codec;
using Broker.Mqtt.Packets;

namespace Broker.Host.Bench;

/// <summary>
/// One subscribing client, acknowledging as an ordinary client does: its read loop decodes the packets a read brought
/// one after the other, records each PUBLISH's payload header in its <see cref="DeliveryTracker"/> (one clock reading
/// per decoding pass), and answers each QoS 1 PUBLISH with its PUBACK, each QoS 2 PUBLISH with its
/// PUBREC and each PUBREL with its PUBCOMP, written as soon as that packet is decoded, before the next one is. Nothing is
/// held back for a timer or for more messages. With <paramref name="coalesceAcks"/> (--coalesce-acks, not what an
/// ordinary client does) the acknowledgements of one read go in one write after it is decoded.
/// </summary>
public sealed class BenchSubscriber(BenchConnection connection, int index, string filter, BenchErrors errors, bool coalesceAcks = false)
{
    private readonly AckFrames _acks = new(connection.Version);

    public int Index { get; } = index;

    public string Filter { get; } = filter;

    public BenchConnection Connection => connection;

    public DeliveryTracker Tracker { get; } = new();

    /// <exception cref="BenchConnectException">SUBACK refused the subscription or never came.</exception>
    public async Task SubscribeAsync(QualityOfService qos, CancellationToken cancellationToken)
    {
        await connection.SendPacketAsync(new SubscribePacket
        {
            PacketId = 1,
            Subscriptions = [new TopicSubscription(Filter, new SubscriptionOptions(qos))],
        }, cancellationToken);
        var reply = await connection.ReadPacketAsync(cancellationToken);
        if (reply is not SubAckPacket subAck || subAck.PacketId != 1)
            throw new BenchConnectException(reply is null ? "the broker closed the connection before SUBACK" : $"expected SUBACK, got {reply.Type}");
        if (subAck.ReasonCodes.Count != 1 || (byte)subAck.ReasonCodes[0] >= 0x80)
            throw new BenchConnectException($"SUBACK refused '{Filter}': {string.Join(", ", subAck.ReasonCodes)}");
    }

    public Task ReadLoopAsync(CancellationToken cancellationToken, ReadCoalescing coalescing = default) =>
        connection.ReadLoopAsync("subscriber", Decode, new byte[4096], errors, cancellationToken, coalescing);

    private int Decode(ref ReadOnlySequence<byte> buffer, ref byte[] replies)
    {
        var length = 0;
        var now = BenchClock.NowNs();
        DecodeStatus status;
        MqttPacket? packet;
        MqttDecodeError error;
        while ((status = connection.Decoder.TryDecode(ref buffer, out packet, out error)) == DecodeStatus.Decoded)
        {
            switch (packet)
            {
                case PublishPacket publish:
                    // The payload is a slice of the pipe's buffer: read before AdvanceTo releases it.
                    Tracker.Record(publish.Payload, now);
                    if (publish.QoS == QualityOfService.AtLeastOnce)
                        length = _acks.Append(ref replies, length, PacketType.PubAck, publish.PacketId);
                    else if (publish.QoS == QualityOfService.ExactlyOnce)
                        length = _acks.Append(ref replies, length, PacketType.PubRec, publish.PacketId);
                    break;
                case PubRelPacket release:
                    length = _acks.Append(ref replies, length, PacketType.PubComp, release.PacketId);
                    break;
                case PingRespPacket:
                    break;
                case DisconnectPacket disconnect:
                    errors.Add($"subscriber: the broker sent DISCONNECT {disconnect.ReasonCode}");
                    break;
                default:
                    errors.Add($"subscriber: unexpected {packet!.Type}");
                    break;
            }
            // Acknowledge this packet now: the read loop sends it and calls again for the rest of the read.
            if (length > 0 && !coalesceAcks)
                return length;
        }
        if (status == DecodeStatus.Failed)
            throw new InvalidOperationException($"malformed packet from the broker: {error}");
        return length;
    }
}
