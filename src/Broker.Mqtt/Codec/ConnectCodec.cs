using System.Buffers;
using System.Text;
using Broker.Mqtt.Packets;
using Broker.Mqtt.Properties;
using Broker.Mqtt.Topics;

namespace Broker.Mqtt.Codec;

/// <summary>
/// CONNECT (3.1):
/// <code>
///   variable header  protocol name "MQTT" ("MQIsdp" on 3.1), protocol level (3, 4 or 5),
///                    connect flags, keep alive (2 bytes), properties (5.0)
///   connect flags    bit 7 user name, 6 password, 5 will retain, 4-3 will QoS, 2 will, 1 clean start, 0 reserved
///   payload          client identifier, [will properties (5.0), will topic, will payload], [user name], [password]
/// </code>
/// </summary>
internal static class ConnectCodec
{
    private static ReadOnlySpan<byte> Mqtt => "MQTT"u8;
    private static ReadOnlySpan<byte> MqIsdp => "MQIsdp"u8;

    public static ConnectPacket Read(ref SequenceReader<byte> reader, MqttDecoder decoder)
    {
        var version = ReadProtocol(ref reader);
        if (decoder.ProtocolVersion == MqttProtocolVersion.Unknown)
        {
            decoder.ProtocolVersion = version;
        }

        var flags = WireReader.ReadByte(ref reader, "connect flags");
        var hasWill = (flags & 0x04) != 0;
        var willQoS = (flags >> 3) & 0x03;
        var willRetain = (flags & 0x20) != 0;
        var hasPassword = (flags & 0x40) != 0;
        var hasUserName = (flags & 0x80) != 0;
        CheckFlags(flags, hasWill, willQoS, willRetain, hasPassword, hasUserName, version);

        var keepAlive = WireReader.ReadUInt16(ref reader, "keep alive");
        var isV5 = version == MqttProtocolVersion.V500;
        var properties = isV5 ? PropertyCodec.Read(ref reader, PropertyContext.Connect) : MqttProperties.Empty;
        if (properties.AuthenticationData is not null && properties.AuthenticationMethod is null)
        {
            Throw.ProtocolError("Authentication Data without an Authentication Method [MQTT-3.1.2.11.10]");
        }

        var clientId = WireReader.ReadString(ref reader, "client identifier");
        var will = hasWill ? ReadWill(ref reader, isV5, (QualityOfService)willQoS, willRetain) : null;
        var userName = hasUserName ? WireReader.ReadString(ref reader, "user name") : null;
        // The cast keeps "no password" null: a bare null would convert to an empty ReadOnlyMemory<byte>.
        var password = hasPassword ? WireReader.ReadBinary(ref reader, "password") : (ReadOnlyMemory<byte>?)null;
        if (!reader.End)
        {
            Throw.Malformed("bytes follow the last field of CONNECT");
        }

        return new ConnectPacket
        {
            ProtocolVersion = version,
            CleanStart = (flags & 0x02) != 0,
            KeepAlive = keepAlive,
            ClientId = clientId,
            Will = will,
            UserName = userName,
            Password = password,
            Properties = properties,
        };
    }

    public static int GetRemainingLength(ConnectPacket packet, MqttProtocolVersion version)
    {
        var isV5 = version == MqttProtocolVersion.V500;
        var size = 2 + ProtocolName(version).Length + 1 + 1 + 2;
        size += isV5 ? PropertyCodec.GetSectionSize(packet.Properties) : 0;
        size += 2 + WireSize.Utf8(packet.ClientId, "client identifier");
        if (packet.Will is { } will)
        {
            size += isV5 ? PropertyCodec.GetSectionSize(will.Properties) : 0;
            size += 2 + WireSize.Utf8(will.Topic, "will topic");
            size += WireSize.Binary(will.Payload.Length, "will payload");
        }

        size += packet.UserName is null ? 0 : 2 + WireSize.Utf8(packet.UserName, "user name");
        size += packet.Password is { } password ? WireSize.Binary(password.Length, "password") : 0;
        return size;
    }

    public static void Write(ref PacketWriter writer, ConnectPacket packet, MqttProtocolVersion version)
    {
        writer.WriteBinary(ProtocolName(version));
        writer.WriteByte((byte)version);
        writer.WriteByte(Flags(packet));
        writer.WriteUInt16(packet.KeepAlive);
        var isV5 = version == MqttProtocolVersion.V500;
        if (isV5)
        {
            PropertyCodec.Write(ref writer, packet.Properties, PropertyCodec.GetSize(packet.Properties));
        }

        writer.WriteString(packet.ClientId, Encoding.UTF8.GetByteCount(packet.ClientId));
        if (packet.Will is { } will)
        {
            if (isV5)
            {
                PropertyCodec.Write(ref writer, will.Properties, PropertyCodec.GetSize(will.Properties));
            }

            writer.WriteString(will.Topic, Encoding.UTF8.GetByteCount(will.Topic));
            writer.WriteBinary(will.Payload.Span);
        }

        if (packet.UserName is { } userName)
        {
            writer.WriteString(userName, Encoding.UTF8.GetByteCount(userName));
        }

        if (packet.Password is { } password)
        {
            writer.WriteBinary(password.Span);
        }
    }

    private static MqttProtocolVersion ReadProtocol(ref SequenceReader<byte> reader)
    {
        var name = WireReader.ReadBinarySlice(ref reader, "protocol name");
        var level = WireReader.ReadByte(ref reader, "protocol level");
        Span<byte> nameBytes = stackalloc byte[6];
        var known = name.Length <= nameBytes.Length;
        if (known)
        {
            name.CopyTo(nameBytes);
            nameBytes = nameBytes[..(int)name.Length];
        }

        return (known, level) switch
        {
            (true, 4) when nameBytes.SequenceEqual(Mqtt) => MqttProtocolVersion.V311,
            (true, 5) when nameBytes.SequenceEqual(Mqtt) => MqttProtocolVersion.V500,
            (true, 3) when nameBytes.SequenceEqual(MqIsdp) => MqttProtocolVersion.V310,
            _ => UnsupportedProtocol(level),
        };
    }

    /// <summary>[MQTT-3.1.2-1, 3.1.2-2]: the server answers CONNACK 0x01 (3.1.1) or 0x84 (5.0) and closes.</summary>
    private static MqttProtocolVersion UnsupportedProtocol(byte level)
    {
        Throw.Error(ReasonCode.UnsupportedProtocolVersion, $"protocol name and level {level} are not MQTT 3.1, 3.1.1 or 5.0");
        return MqttProtocolVersion.Unknown;
    }

    private static void CheckFlags(byte flags, bool hasWill, int willQoS, bool willRetain, bool hasPassword, bool hasUserName, MqttProtocolVersion version)
    {
        if ((flags & 0x01) != 0)
        {
            Throw.Malformed("the reserved connect flag is 1 [MQTT-3.1.2-3]");
        }

        if (willQoS == 3)
        {
            Throw.Malformed("the will QoS is 3 [MQTT-3.1.2-14]");
        }

        if (!hasWill && (willQoS != 0 || willRetain))
        {
            Throw.Malformed("will QoS or will retain is set without the will flag [MQTT-3.1.2-13, 3.1.2-15]");
        }

        if (hasPassword && !hasUserName && version != MqttProtocolVersion.V500)
        {
            Throw.Malformed("the password flag is set without the user name flag [MQTT-3.1.2-22]");
        }
    }

    private static WillMessage ReadWill(ref SequenceReader<byte> reader, bool isV5, QualityOfService qos, bool retain)
    {
        var properties = isV5 ? PropertyCodec.Read(ref reader, PropertyContext.Will) : MqttProperties.Empty;
        var topic = WireReader.ReadString(ref reader, "will topic");
        if (!TopicValidator.IsValidTopicName(topic))
        {
            Throw.Error(ReasonCode.TopicNameInvalid, "the will topic is empty or contains a wildcard [MQTT-3.1.3-11]");
        }

        var payload = WireReader.ReadBinary(ref reader, "will payload");
        return new WillMessage { Topic = topic, Payload = payload, QoS = qos, Retain = retain, Properties = properties };
    }

    private static byte Flags(ConnectPacket packet)
    {
        var flags = 0;
        flags |= packet.CleanStart ? 0x02 : 0;
        if (packet.Will is { } will)
        {
            flags |= 0x04 | ((int)will.QoS << 3) | (will.Retain ? 0x20 : 0);
        }

        flags |= packet.Password is null ? 0 : 0x40;
        flags |= packet.UserName is null ? 0 : 0x80;
        return (byte)flags;
    }

    private static ReadOnlySpan<byte> ProtocolName(MqttProtocolVersion version) => version == MqttProtocolVersion.V310 ? MqIsdp : Mqtt;
}
