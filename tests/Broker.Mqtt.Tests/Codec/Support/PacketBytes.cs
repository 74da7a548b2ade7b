using System.Text;
using Broker.Mqtt;
using Broker.Mqtt.Properties;

namespace Broker.Mqtt.Tests.Codec.Support;

/// <summary>
/// Writes packet bytes by hand, field by field in the section 1.5 representations, independently of the
/// encoder under test: the specification examples and the malformed packets are built with it.
/// </summary>
internal sealed class PacketBytes
{
    private readonly List<byte> _bytes = [];

    public int Length => _bytes.Count;

    /// <summary>A whole packet: the first byte, the remaining length computed from the body, then the body.</summary>
    public static byte[] Packet(byte firstByte, Action<PacketBytes>? body = null)
    {
        var content = new PacketBytes();
        body?.Invoke(content);
        return Packet(firstByte, content.Length, body);
    }

    /// <summary>A whole packet whose fixed header announces <paramref name="remainingLength"/>, true or not.</summary>
    public static byte[] Packet(byte firstByte, int remainingLength, Action<PacketBytes>? body = null)
    {
        var packet = new PacketBytes().Byte(firstByte).VariableByteInteger(remainingLength);
        body?.Invoke(packet);
        return packet.ToArray();
    }

    public PacketBytes Byte(byte value)
    {
        _bytes.Add(value);
        return this;
    }

    public PacketBytes Bytes(params byte[] values)
    {
        _bytes.AddRange(values);
        return this;
    }

    public PacketBytes UInt16(int value) => Byte((byte)(value >> 8)).Byte((byte)value);

    public PacketBytes UInt32(uint value) => UInt16((int)(value >> 16)).UInt16((int)(value & 0xFFFF));

    /// <summary>1.5.5: seven bits a byte, least significant first, the top bit saying "more follows".</summary>
    public PacketBytes VariableByteInteger(int value)
    {
        do
        {
            var b = (byte)(value & 0x7F);
            value >>= 7;
            Byte(value > 0 ? (byte)(b | 0x80) : b);
        }
        while (value > 0);

        return this;
    }

    /// <summary>A UTF-8 Encoded String (1.5.4) from a .NET string.</summary>
    public PacketBytes String(string value) => Binary(Encoding.UTF8.GetBytes(value));

    /// <summary>A length prefix and then the given bytes verbatim: Binary Data, or a deliberately ill-formed string.</summary>
    public PacketBytes Binary(params byte[] data) => UInt16(data.Length).Bytes(data);

    /// <summary>A property section: its Variable Byte Integer length, then what <paramref name="build"/> writes.</summary>
    public PacketBytes Properties(Action<PacketBytes>? build = null)
    {
        var inner = new PacketBytes();
        build?.Invoke(inner);
        return VariableByteInteger(inner.Length).Bytes(inner.ToArray());
    }

    public PacketBytes ByteProperty(PropertyId id, byte value) => Byte((byte)id).Byte(value);

    public PacketBytes UInt16Property(PropertyId id, int value) => Byte((byte)id).UInt16(value);

    public PacketBytes UInt32Property(PropertyId id, uint value) => Byte((byte)id).UInt32(value);

    public PacketBytes VariableByteIntegerProperty(PropertyId id, int value) => Byte((byte)id).VariableByteInteger(value);

    public PacketBytes StringProperty(PropertyId id, string value) => Byte((byte)id).String(value);

    public PacketBytes BinaryProperty(PropertyId id, params byte[] value) => Byte((byte)id).Binary(value);

    public PacketBytes UserProperty(string name, string value) => Byte((byte)PropertyId.UserProperty).String(name).String(value);

    /// <summary>The CONNECT variable header up to the keep alive: protocol name and level of <paramref name="version"/>, flags.</summary>
    public PacketBytes ConnectHeader(MqttProtocolVersion version, byte flags, int keepAlive = 60) =>
        String(version == MqttProtocolVersion.V310 ? "MQIsdp" : "MQTT").Byte((byte)version).Byte(flags).UInt16(keepAlive);

    public byte[] ToArray() => [.. _bytes];
}
