using System.Buffers;
using Broker.Mqtt.Packets;
using Broker.Mqtt.Properties;

namespace Broker.Mqtt.Codec;

/// <summary>
/// PUBACK, PUBREC, PUBREL, PUBCOMP (3.4-3.7):
/// <code>
///   variable header  packet identifier; 5.0 adds a reason code (omitted when 0x00 and no properties:
///                    remaining length 2) and properties (omitted when none: remaining length 3)
/// </code>
/// </summary>
internal static class PublishAcknowledgementCodec
{
    public static PublishAcknowledgement Read(ref SequenceReader<byte> reader, PacketType type, MqttDecoder decoder)
    {
        var packetId = ReasonCodeTail.ReadPacketId(ref reader);
        var (reason, properties) = decoder.IsV5 ? ReasonCodeTail.Read(ref reader, type) : (ReasonCode.Success, MqttProperties.Empty);
        ReasonCodeTail.ExpectEnd(ref reader, type);
        return type switch
        {
            PacketType.PubAck => new PubAckPacket { PacketId = packetId, ReasonCode = reason, Properties = properties },
            PacketType.PubRec => new PubRecPacket { PacketId = packetId, ReasonCode = reason, Properties = properties },
            PacketType.PubRel => new PubRelPacket { PacketId = packetId, ReasonCode = reason, Properties = properties },
            _ => new PubCompPacket { PacketId = packetId, ReasonCode = reason, Properties = properties },
        };
    }

    public static int GetRemainingLength(PublishAcknowledgement packet, MqttProtocolVersion version) =>
        2 + (version == MqttProtocolVersion.V500 ? ReasonCodeTail.GetLength(packet.ReasonCode, packet.Properties) : 0);

    public static void Write(ref PacketWriter writer, PublishAcknowledgement packet, MqttProtocolVersion version)
    {
        writer.WriteUInt16(packet.PacketId);
        if (version == MqttProtocolVersion.V500)
        {
            ReasonCodeTail.Write(ref writer, packet.ReasonCode, packet.Properties);
        }
    }
}
