using System.Buffers;
using Broker.Mqtt.Packets;
using Broker.Mqtt.Properties;

namespace Broker.Mqtt.Codec;

/// <summary>
/// UNSUBACK (3.11):
/// <code>
///   variable header  packet identifier, properties (5.0)
///   payload          one reason code per topic filter (5.0 only; 3.x has no payload)
/// </code>
/// </summary>
internal static class UnsubAckCodec
{
    public static UnsubAckPacket Read(ref SequenceReader<byte> reader, MqttDecoder decoder)
    {
        var packetId = ReasonCodeTail.ReadPacketId(ref reader);
        if (!decoder.IsV5)
        {
            ReasonCodeTail.ExpectEnd(ref reader, PacketType.UnsubAck);
            return new UnsubAckPacket { PacketId = packetId };
        }

        var properties = PropertyCodec.Read(ref reader, PropertyContext.UnsubAck);
        var codes = new List<ReasonCode>((int)reader.Remaining);
        while (reader.TryRead(out var code))
        {
            codes.Add(ReasonCodeTail.Check(PacketType.UnsubAck, code));
        }

        if (codes.Count == 0)
        {
            Throw.ProtocolError("UNSUBACK without a reason code");
        }

        return new UnsubAckPacket { PacketId = packetId, ReasonCodes = codes, Properties = properties };
    }

    public static int GetRemainingLength(UnsubAckPacket packet, MqttProtocolVersion version) =>
        version == MqttProtocolVersion.V500 ? 2 + PropertyCodec.GetSectionSize(packet.Properties) + packet.ReasonCodes.Count : 2;

    public static void Write(ref PacketWriter writer, UnsubAckPacket packet, MqttProtocolVersion version)
    {
        writer.WriteUInt16(packet.PacketId);
        if (version != MqttProtocolVersion.V500)
        {
            return;
        }

        PropertyCodec.Write(ref writer, packet.Properties, PropertyCodec.GetSize(packet.Properties));
        foreach (var code in packet.ReasonCodes)
        {
            writer.WriteByte((byte)code);
        }
    }
}
