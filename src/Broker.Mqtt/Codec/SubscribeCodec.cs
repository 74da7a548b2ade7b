using System.Buffers;
using System.Text;
using Broker.Mqtt.Packets;
using Broker.Mqtt.Properties;
using Broker.Mqtt.Topics;

namespace Broker.Mqtt.Codec;

/// <summary>
/// SUBSCRIBE (3.8):
/// <code>
///   variable header  packet identifier, properties (5.0)
///   payload          one or more (topic filter, subscription options byte)
///   options (5.0)    bits 1-0 maximum QoS, bit 2 no local, bit 3 retain as published,
///                    bits 5-4 retain handling, bits 7-6 reserved 0
///   options (3.x)    bits 1-0 QoS, bits 7-2 reserved 0
/// </code>
/// </summary>
internal static class SubscribeCodec
{
    public static SubscribePacket Read(ref SequenceReader<byte> reader, MqttDecoder decoder)
    {
        var packetId = ReasonCodeTail.ReadPacketId(ref reader);
        var properties = decoder.IsV5 ? PropertyCodec.Read(ref reader, PropertyContext.Subscribe) : MqttProperties.Empty;
        var subscriptions = new List<TopicSubscription>();
        while (!reader.End)
        {
            var filter = TopicFilterCodec.Read(ref reader);
            var options = ReadOptions(WireReader.ReadByte(ref reader, "subscription options"), decoder.IsV5);
            if (options.NoLocal && TopicValidator.IsShared(filter))
            {
                Throw.ProtocolError("No Local on a shared subscription [MQTT-3.8.3-4]");
            }

            subscriptions.Add(new TopicSubscription(filter, options));
        }

        if (subscriptions.Count == 0)
        {
            Throw.ProtocolError("SUBSCRIBE without a topic filter [MQTT-3.8.3-3]");
        }

        return new SubscribePacket { PacketId = packetId, Subscriptions = subscriptions, Properties = properties };
    }

    public static int GetRemainingLength(SubscribePacket packet, MqttProtocolVersion version)
    {
        var size = 2 + (version == MqttProtocolVersion.V500 ? PropertyCodec.GetSectionSize(packet.Properties) : 0);
        foreach (var subscription in packet.Subscriptions)
        {
            size += 2 + WireSize.Utf8(subscription.Filter, "topic filter") + 1;
        }

        return size;
    }

    public static void Write(ref PacketWriter writer, SubscribePacket packet, MqttProtocolVersion version)
    {
        writer.WriteUInt16(packet.PacketId);
        var isV5 = version == MqttProtocolVersion.V500;
        if (isV5)
        {
            PropertyCodec.Write(ref writer, packet.Properties, PropertyCodec.GetSize(packet.Properties));
        }

        foreach (var (filter, options) in packet.Subscriptions)
        {
            writer.WriteString(filter, Encoding.UTF8.GetByteCount(filter));
            writer.WriteByte(isV5 ? OptionsByte(options) : (byte)options.MaximumQoS);
        }
    }

    private static SubscriptionOptions ReadOptions(byte value, bool isV5)
    {
        var reserved = isV5 ? 0xC0 : 0xFC;
        if ((value & reserved) != 0)
        {
            Throw.Malformed("reserved bits of the subscription options are set [MQTT-3.8.3-5]");
        }

        if ((value & 0x03) == 0x03)
        {
            // 3.1.1 calls QoS 3 malformed [MQTT-3-8.3-4]; 5.0 calls it a protocol error (3.8.3.1).
            Throw.Error(isV5 ? ReasonCode.ProtocolError : ReasonCode.MalformedPacket, "subscription QoS 3");
        }

        var retainHandling = (value >> 4) & 0x03;
        if (retainHandling == 3)
        {
            Throw.ProtocolError("retain handling 3 [MQTT-3.8.3-6]");
        }

        return new SubscriptionOptions(
            (QualityOfService)(value & 0x03),
            NoLocal: (value & 0x04) != 0,
            RetainAsPublished: (value & 0x08) != 0,
            RetainHandling: (RetainHandling)retainHandling);
    }

    private static byte OptionsByte(SubscriptionOptions options) => (byte)(
        (int)options.MaximumQoS
        | (options.NoLocal ? 0x04 : 0)
        | (options.RetainAsPublished ? 0x08 : 0)
        | ((int)options.RetainHandling << 4));
}
