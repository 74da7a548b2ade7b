using System.Buffers;
using Broker.Mqtt.Packets;
using Broker.Mqtt.Properties;

namespace Broker.Mqtt.Codec;

/// <summary>
/// SUBACK (3.9):
/// <code>
///   variable header  packet identifier, properties (5.0)
///   payload          one reason code per topic filter (3.x: 0x00, 0x01, 0x02 or 0x80)
/// </code>
/// </summary>
internal static class SubAckCodec
{
    public static SubAckPacket Read(ref SequenceReader<byte> reader, MqttDecoder decoder)
    {
        var packetId = ReasonCodeTail.ReadPacketId(ref reader);
        var properties = decoder.IsV5 ? PropertyCodec.Read(ref reader, PropertyContext.SubAck) : MqttProperties.Empty;
        var codes = new List<ReasonCode>((int)reader.Remaining);
        while (reader.TryRead(out var code))
        {
            if (!decoder.IsV5 && code is not (0x00 or 0x01 or 0x02 or 0x80))
            {
                Throw.Malformed($"0x{code:X2} is not a SUBACK return code");
            }

            codes.Add(ReasonCodeTail.Check(PacketType.SubAck, code));
        }

        if (codes.Count == 0)
        {
            Throw.ProtocolError("SUBACK without a reason code");
        }

        return new SubAckPacket { PacketId = packetId, ReasonCodes = codes, Properties = properties };
    }

    public static int GetRemainingLength(SubAckPacket packet, MqttProtocolVersion version) =>
        2 + (version == MqttProtocolVersion.V500 ? PropertyCodec.GetSectionSize(packet.Properties) : 0) + packet.ReasonCodes.Count;

    public static void Write(ref PacketWriter writer, SubAckPacket packet, MqttProtocolVersion version)
    {
        writer.WriteUInt16(packet.PacketId);
        var isV5 = version == MqttProtocolVersion.V500;
        if (isV5)
        {
            PropertyCodec.Write(ref writer, packet.Properties, PropertyCodec.GetSize(packet.Properties));
        }

        foreach (var code in packet.ReasonCodes)
        {
            // 3.1.1 knows a single failure code (3.9.3), so every 5.0 refusal becomes 0x80.
            writer.WriteByte(isV5 || code < ReasonCode.UnspecifiedError ? (byte)code : (byte)ReasonCode.UnspecifiedError);
        }
    }
}
