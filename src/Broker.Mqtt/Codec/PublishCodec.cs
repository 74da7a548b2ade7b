using System.Buffers;
using System.Text;
using Broker.Mqtt.Packets;
using Broker.Mqtt.Properties;

namespace Broker.Mqtt.Codec;

/// <summary>
/// PUBLISH (3.3), the hot path:
/// <code>
///   fixed header flags  bit 3 DUP, bits 2-1 QoS, bit 0 RETAIN
///   variable header     topic name, packet identifier (QoS 1 and 2 only), properties (5.0)
///   payload             everything up to the remaining length, possibly nothing
/// </code>
/// Decoding allocates the packet object only: the topic string comes from the connection's cache after
/// its first use, an unchanged property section reuses the properties decoded before, and the payload
/// is a slice of the receive buffer.
/// </summary>
internal static class PublishCodec
{
    public static PublishPacket Read(ref SequenceReader<byte> reader, byte flags, MqttDecoder decoder)
    {
        var qos = (flags >> 1) & 0x03;
        var dup = (flags & 0x08) != 0;
        if (qos == 3)
        {
            Throw.Malformed("PUBLISH with QoS 3 [MQTT-3.3.1-4]");
        }

        if (dup && qos == 0)
        {
            Throw.Malformed("PUBLISH with DUP set at QoS 0 [MQTT-3.3.1-2]");
        }

        var topic = ReadTopic(ref reader, decoder);
        var packetId = qos > 0 ? ReasonCodeTail.ReadPacketId(ref reader) : (ushort)0;
        var properties = decoder.IsV5 ? decoder.ReadPublishProperties(ref reader) : MqttProperties.Empty;
        if (decoder.Options.Peer == PeerRole.Client && properties.SubscriptionIdentifiers.Count > 0)
        {
            Throw.ProtocolError("a client's PUBLISH carries a Subscription Identifier [MQTT-3.3.4-6]");
        }

        if (topic.Length == 0 && properties.TopicAlias is null)
        {
            Throw.ProtocolError("PUBLISH with an empty topic name and no topic alias [MQTT-4.7.3-1]");
        }

        return new PublishPacket
        {
            Dup = dup,
            QoS = (QualityOfService)qos,
            Retain = (flags & 0x01) != 0,
            Topic = topic,
            PacketId = packetId,
            Payload = reader.UnreadSequence,
            Properties = properties,
        };
    }

    public static byte FirstByte(PublishPacket packet) =>
        (byte)(((int)PacketType.Publish << 4) | (packet.Dup ? 0x08 : 0) | ((int)packet.QoS << 1) | (packet.Retain ? 0x01 : 0));

    public static int GetRemainingLength(PublishPacket packet, MqttProtocolVersion version, out PublishSizes sizes)
    {
        sizes = new PublishSizes(
            WireSize.Utf8(packet.Topic, "topic name"),
            version == MqttProtocolVersion.V500 ? PropertyCodec.GetSize(packet.Properties) : -1);
        var size = 2 + sizes.Topic + (packet.QoS > QualityOfService.AtMostOnce ? 2 : 0);
        size += sizes.Properties < 0 ? 0 : WireSize.VariableByteInteger(sizes.Properties) + sizes.Properties;
        return checked(size + (int)packet.Payload.Length);
    }

    public static void Write(ref PacketWriter writer, PublishPacket packet, in PublishSizes sizes)
    {
        writer.WriteString(packet.Topic, sizes.Topic);
        if (packet.QoS > QualityOfService.AtMostOnce)
        {
            writer.WriteUInt16(packet.PacketId);
        }

        if (sizes.Properties >= 0)
        {
            PropertyCodec.Write(ref writer, packet.Properties, sizes.Properties);
        }

        writer.WriteRaw(packet.Payload);
    }

    /// <summary>[MQTT-3.3.2-1] a UTF-8 string, [MQTT-3.3.2-2] without wildcards; 0x90 in 5.0 terms.</summary>
    private static string ReadTopic(ref SequenceReader<byte> reader, MqttDecoder decoder)
    {
        var length = WireReader.ReadUInt16(ref reader, "topic name");
        if (length == 0)
        {
            return "";
        }

        if (reader.UnreadSpan.Length < length)
        {
            return ReadSplitTopic(ref reader, length);
        }

        var utf8 = reader.UnreadSpan[..length];
        var cache = decoder.Topics;
        if (!cache.TryGet(utf8, out var topic))
        {
            ValidateTopic(utf8);
            topic = cache.Add(utf8);
        }

        reader.Advance(length);
        return topic;
    }

    private static string ReadSplitTopic(ref SequenceReader<byte> reader, int length)
    {
        if (!reader.TryReadExact(length, out var slice))
        {
            Throw.Truncated("topic name");
        }

        var utf8 = slice.ToArray();
        ValidateTopic(utf8);
        return Encoding.UTF8.GetString(utf8);
    }

    private static void ValidateTopic(ReadOnlySpan<byte> utf8)
    {
        WireReader.ValidateUtf8(utf8, "topic name");
        if (utf8.IndexOfAny((byte)'+', (byte)'#') >= 0)
        {
            Throw.Error(ReasonCode.TopicNameInvalid, "the topic name of a PUBLISH contains a wildcard [MQTT-3.3.2-2]");
        }
    }

    /// <summary>
    /// What the size pass learned that the write pass needs again: the topic's UTF-8 byte count and the
    /// property section's length (-1 on 3.x, which has none), so that neither is computed twice.
    /// </summary>
    internal readonly record struct PublishSizes(int Topic, int Properties);
}
