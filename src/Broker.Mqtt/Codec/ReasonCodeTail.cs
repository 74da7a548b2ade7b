using System.Buffers;
using Broker.Mqtt.Properties;

namespace Broker.Mqtt.Codec;

/// <summary>
/// The 5.0 tail that PUBACK, PUBREC, PUBREL, PUBCOMP, DISCONNECT and AUTH share: a reason code that may
/// be left out when it is 0x00 with no properties, then a property section that may be left out when
/// empty (3.4.2.1, 3.14.2.1, 3.15.2.1). Also the end-of-packet check every fixed layout needs.
/// </summary>
internal static class ReasonCodeTail
{
    public static (ReasonCode Reason, MqttProperties Properties) Read(ref SequenceReader<byte> reader, PacketType type)
    {
        if (reader.End)
        {
            return (ReasonCode.Success, MqttProperties.Empty);
        }

        var reason = Check(type, WireReader.ReadByte(ref reader, "reason code"));
        var properties = reader.End ? MqttProperties.Empty : PropertyCodec.Read(ref reader, PropertyRules.ContextOf(type));
        ExpectEnd(ref reader, type);
        return (reason, properties);
    }

    public static int GetLength(ReasonCode reason, MqttProperties properties)
    {
        var size = PropertyCodec.GetSize(properties);
        if (size > 0)
        {
            return 1 + WireSize.VariableByteInteger(size) + size;
        }

        return reason == ReasonCode.Success ? 0 : 1;
    }

    public static void Write(ref PacketWriter writer, ReasonCode reason, MqttProperties properties)
    {
        var size = PropertyCodec.GetSize(properties);
        if (size == 0 && reason == ReasonCode.Success)
        {
            return;
        }

        writer.WriteByte((byte)reason);
        if (size > 0)
        {
            PropertyCodec.Write(ref writer, properties, size);
        }
    }

    /// <summary>A reason code the packet may not carry makes it malformed: it cannot be read as 5.0 defines it.</summary>
    public static ReasonCode Check(PacketType type, byte code)
    {
        if (!ReasonCodeRules.IsAllowed(type, code))
        {
            Throw.Malformed($"0x{code:X2} is not a reason code of {type.ToString().ToUpperInvariant()}");
        }

        return (ReasonCode)code;
    }

    public static void ExpectEnd(ref SequenceReader<byte> reader, PacketType type)
    {
        if (!reader.End)
        {
            Throw.Malformed($"the remaining length of {type.ToString().ToUpperInvariant()} is longer than its content");
        }
    }

    public static ushort ReadPacketId(ref SequenceReader<byte> reader)
    {
        var id = WireReader.ReadUInt16(ref reader, "packet identifier");
        if (id == 0)
        {
            Throw.ProtocolError("packet identifier 0 [MQTT-2.2.1-3]");
        }

        return id;
    }
}
