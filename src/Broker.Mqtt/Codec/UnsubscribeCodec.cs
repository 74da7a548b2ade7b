using System.Buffers;
using System.Text;
using Broker.Mqtt.Packets;
using Broker.Mqtt.Properties;

namespace Broker.Mqtt.Codec;

/// <summary>
/// UNSUBSCRIBE (3.10):
/// <code>
///   variable header  packet identifier, properties (5.0)
///   payload          one or more topic filters
/// </code>
/// </summary>
internal static class UnsubscribeCodec
{
    public static UnsubscribePacket Read(ref SequenceReader<byte> reader, MqttDecoder decoder)
    {
        var packetId = ReasonCodeTail.ReadPacketId(ref reader);
        var properties = decoder.IsV5 ? PropertyCodec.Read(ref reader, PropertyContext.Unsubscribe) : MqttProperties.Empty;
        var filters = new List<string>();
        while (!reader.End)
        {
            filters.Add(TopicFilterCodec.Read(ref reader));
        }

        if (filters.Count == 0)
        {
            Throw.ProtocolError("UNSUBSCRIBE without a topic filter [MQTT-3.10.3-2]");
        }

        return new UnsubscribePacket { PacketId = packetId, TopicFilters = filters, Properties = properties };
    }

    public static int GetRemainingLength(UnsubscribePacket packet, MqttProtocolVersion version)
    {
        var size = 2 + (version == MqttProtocolVersion.V500 ? PropertyCodec.GetSectionSize(packet.Properties) : 0);
        foreach (var filter in packet.TopicFilters)
        {
            size += 2 + WireSize.Utf8(filter, "topic filter");
        }

        return size;
    }

    public static void Write(ref PacketWriter writer, UnsubscribePacket packet, MqttProtocolVersion version)
    {
        writer.WriteUInt16(packet.PacketId);
        if (version == MqttProtocolVersion.V500)
        {
            PropertyCodec.Write(ref writer, packet.Properties, PropertyCodec.GetSize(packet.Properties));
        }

        foreach (var filter in packet.TopicFilters)
        {
            writer.WriteString(filter, Encoding.UTF8.GetByteCount(filter));
        }
    }
}
