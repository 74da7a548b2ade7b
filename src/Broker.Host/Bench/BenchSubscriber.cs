using System.Buffers;
using Broker.Transport.Mqtt;
using Broker.Transport.Mqtt.Codec;
using Broker.Transport.Mqtt.Packets;

namespace Broker.Host.Bench;

/// <summary>
/// One subscribing client. Its read loop decodes everything the pipe holds in one pass, records each PUBLISH's
/// payload header in its <see cref="DeliveryTracker"/> with one clock reading per batch (the time the batch was
/// read), and answers QoS 1 and 2 with one write of all the batch's acknowledgements.
/// </summary>
public sealed class BenchSubscriber(BenchConnection connection, int index, string filter, BenchErrors errors)
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
        }
        if (status == DecodeStatus.Failed)
            throw new InvalidOperationException($"malformed packet from the broker: {error}");
        return length;
    }
}
