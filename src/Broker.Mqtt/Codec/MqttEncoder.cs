using System.Buffers;
using Broker.Mqtt.Packets;

namespace Broker.Mqtt.Codec;

/// <summary>
/// Writes packets straight into an <see cref="IBufferWriter{T}"/> (a PipeWriter in the broker), in the
/// layout of the given protocol level: 3.x drops what it cannot carry (properties, reason codes other than
/// CONNACK's and SUBACK's, which are mapped). The caller chooses what to send; the encoder does not check
/// it against the peer's limits, but <see cref="GetSize"/> tells the channel the size before it sends.
/// </summary>
public static class MqttEncoder
{
    /// <returns>The number of bytes written.</returns>
    public static int Write(IBufferWriter<byte> output, MqttPacket packet, MqttProtocolVersion version)
    {
        ArgumentNullException.ThrowIfNull(output);
        var remaining = GetRemainingLength(packet, version, out var publishSizes);
        var payloadLength = packet is PublishPacket p ? (int)p.Payload.Length : 0;
        var writer = Begin(output, FirstByte(packet), remaining, remaining - payloadLength);
        switch (packet)
        {
            case PublishPacket publish:
                PublishCodec.Write(ref writer, publish, publishSizes);
                break;
            case ConnectPacket connect:
                ConnectCodec.Write(ref writer, connect, version);
                break;
            case ConnAckPacket connAck:
                ConnAckCodec.Write(ref writer, connAck, version);
                break;
            case PublishAcknowledgement ack:
                PublishAcknowledgementCodec.Write(ref writer, ack, version);
                break;
            case SubscribePacket subscribe:
                SubscribeCodec.Write(ref writer, subscribe, version);
                break;
            case SubAckPacket subAck:
                SubAckCodec.Write(ref writer, subAck, version);
                break;
            case UnsubscribePacket unsubscribe:
                UnsubscribeCodec.Write(ref writer, unsubscribe, version);
                break;
            case UnsubAckPacket unsubAck:
                UnsubAckCodec.Write(ref writer, unsubAck, version);
                break;
            case DisconnectPacket disconnect:
                DisconnectCodec.Write(ref writer, disconnect, version);
                break;
            case AuthPacket auth:
                AuthCodec.Write(ref writer, auth);
                break;
        }

        writer.Commit();
        return HeaderSize(remaining) + remaining;
    }

    /// <summary>The whole packet's size on the wire, to check against the peer's Maximum Packet Size.</summary>
    public static int GetSize(MqttPacket packet, MqttProtocolVersion version)
    {
        var remaining = GetRemainingLength(packet, version, out _);
        return HeaderSize(remaining) + remaining;
    }

    /// <param name="publishSizes">For a PUBLISH, the sizes the write pass reuses instead of computing them again.</param>
    private static int GetRemainingLength(MqttPacket packet, MqttProtocolVersion version, out PublishCodec.PublishSizes publishSizes)
    {
        ArgumentNullException.ThrowIfNull(packet);
        if (version == MqttProtocolVersion.Unknown)
        {
            throw new ArgumentException("The protocol level must be known to encode a packet.", nameof(version));
        }

        publishSizes = default;
        return packet switch
        {
            PublishPacket publish => PublishCodec.GetRemainingLength(publish, version, out publishSizes),
            ConnectPacket connect => ConnectCodec.GetRemainingLength(connect, version),
            ConnAckPacket connAck => ConnAckCodec.GetRemainingLength(connAck, version),
            PublishAcknowledgement ack => PublishAcknowledgementCodec.GetRemainingLength(ack, version),
            SubscribePacket subscribe => SubscribeCodec.GetRemainingLength(subscribe, version),
            SubAckPacket subAck => SubAckCodec.GetRemainingLength(subAck, version),
            UnsubscribePacket unsubscribe => UnsubscribeCodec.GetRemainingLength(unsubscribe, version),
            UnsubAckPacket unsubAck => UnsubAckCodec.GetRemainingLength(unsubAck, version),
            PingReqPacket or PingRespPacket => 0,
            DisconnectPacket disconnect => DisconnectCodec.GetRemainingLength(disconnect, version),
            AuthPacket auth when version == MqttProtocolVersion.V500 => AuthCodec.GetRemainingLength(auth),
            AuthPacket => throw new ArgumentException("AUTH exists only in MQTT 5.0.", nameof(packet)),
            _ => throw new ArgumentException($"Unknown packet {packet.GetType().Name}.", nameof(packet)),
        };
    }

    private static PacketWriter Begin(IBufferWriter<byte> output, byte firstByte, int remainingLength, int bufferedLength)
    {
        if (remainingLength > WireSize.MaximumRemainingLength)
        {
            throw new ArgumentException($"The packet's remaining length {remainingLength} exceeds MQTT's maximum of {WireSize.MaximumRemainingLength}.");
        }

        // Ask for the header and the fields at once; a large payload is copied in chunks after them.
        var writer = new PacketWriter(output, HeaderSize(remainingLength) + Math.Min(bufferedLength, 4096));
        writer.WriteByte(firstByte);
        writer.WriteVariableByteInteger(remainingLength);
        return writer;
    }

    /// <summary>Fixed header flags [MQTT-2.2.2-1]: PUBLISH's own, 0b0010 for PUBREL, SUBSCRIBE and UNSUBSCRIBE, 0 for the rest.</summary>
    private static byte FirstByte(MqttPacket packet) => packet is PublishPacket publish
        ? PublishCodec.FirstByte(publish)
        : (byte)(((int)packet.Type << 4) | (packet.Type is PacketType.PubRel or PacketType.Subscribe or PacketType.Unsubscribe ? 0b0010 : 0));

    private static int HeaderSize(int remainingLength) => 1 + WireSize.VariableByteInteger(remainingLength);
}
