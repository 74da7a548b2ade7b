using System.Buffers;
using Broker.Mqtt.Packets;
using Broker.Mqtt.Properties;

namespace Broker.Mqtt.Codec;

/// <summary>
/// CONNACK (3.2):
/// <code>
///   variable header  acknowledge flags (bit 0 session present, bits 7-1 reserved 0; all reserved on 3.1),
///                    return code (3.x) or reason code (5.0), properties (5.0)
/// </code>
/// </summary>
internal static class ConnAckCodec
{
    public static ConnAckPacket Read(ref SequenceReader<byte> reader, MqttDecoder decoder)
    {
        var flags = WireReader.ReadByte(ref reader, "acknowledge flags");
        var code = WireReader.ReadByte(ref reader, "connect reason code");
        var version = decoder.ProtocolVersion;
        if (version != MqttProtocolVersion.V310 && (flags & 0xFE) != 0)
        {
            Throw.Malformed("reserved acknowledge flags are set [MQTT-3.2.2-1]");
        }

        var sessionPresent = version != MqttProtocolVersion.V310 && (flags & 0x01) != 0;
        ReasonCode reason;
        if (decoder.IsV5)
        {
            reason = ReasonCodeTail.Check(PacketType.ConnAck, code);
        }
        else if (!ConnectReturnCodes.TryToReasonCode(code, out reason))
        {
            Throw.Malformed($"0x{code:X2} is not a CONNACK return code");
        }

        if (sessionPresent && reason != ReasonCode.Success)
        {
            Throw.ProtocolError("session present is set on a refused connection [MQTT-3.2.2-6]");
        }

        var properties = decoder.IsV5 ? PropertyCodec.Read(ref reader, PropertyContext.ConnAck) : MqttProperties.Empty;
        ReasonCodeTail.ExpectEnd(ref reader, PacketType.ConnAck);
        return new ConnAckPacket { SessionPresent = sessionPresent, ReasonCode = reason, Properties = properties };
    }

    public static int GetRemainingLength(ConnAckPacket packet, MqttProtocolVersion version) =>
        2 + (version == MqttProtocolVersion.V500 ? PropertyCodec.GetSectionSize(packet.Properties) : 0);

    public static void Write(ref PacketWriter writer, ConnAckPacket packet, MqttProtocolVersion version)
    {
        writer.WriteByte(packet.SessionPresent && version != MqttProtocolVersion.V310 ? (byte)1 : (byte)0);
        if (version == MqttProtocolVersion.V500)
        {
            writer.WriteByte((byte)packet.ReasonCode);
            PropertyCodec.Write(ref writer, packet.Properties, PropertyCodec.GetSize(packet.Properties));
        }
        else
        {
            writer.WriteByte(ConnectReturnCodes.FromReasonCode(packet.ReasonCode));
        }
    }
}
