using Broker.Mqtt;
using Broker.Mqtt.Codec;
using Broker.Mqtt.Properties;
using Broker.Mqtt.Tests.Codec.Support;

namespace Broker.Mqtt.Tests.Codec;

/// <summary>
/// [MQTT-1.5.4-1] (3.1.1: 1.5.3-1) a UTF-8 Encoded String is well-formed UTF-8 without encoded surrogates,
/// [MQTT-1.5.4-2] (1.5.3-2) it holds no U+0000. Either makes the packet malformed, in every string field.
/// Each case runs through <see cref="DecodeAssert.Fails"/>, so every field is also checked split across
/// segments (the path that joins a string from two segments validates it too).
/// </summary>
public sealed class Utf8ValidationTests
{
    private static readonly Dictionary<string, byte[]> IllFormed = new()
    {
        ["invalid byte 0xFF"] = [(byte)'a', 0xFF],
        ["invalid byte 0xC1"] = [0xC1, 0x81],
        ["lone continuation byte"] = [(byte)'a', 0x80, (byte)'b'],
        ["overlong 2-byte slash 0xC0 0xAF"] = [(byte)'a', 0xC0, 0xAF],
        ["overlong 2-byte NUL 0xC0 0x80"] = [0xC0, 0x80],
        ["overlong 3-byte slash 0xE0 0x80 0xAF"] = [0xE0, 0x80, 0xAF],
        ["overlong 4-byte 0xF0 0x80 0x80 0xAF"] = [0xF0, 0x80, 0x80, 0xAF],
        ["truncated 3-byte sequence"] = [(byte)'a', 0xE2, 0x82],
        ["truncated 4-byte sequence"] = [0xF0, 0xAA, 0x9B, (byte)'a'],
        ["U+0000"] = [(byte)'a', 0x00, (byte)'b'],
        ["encoded surrogate U+D800 0xED 0xA0 0x80"] = [0xED, 0xA0, 0x80],
        ["encoded surrogate U+DFFF 0xED 0xBF 0xBF"] = [(byte)'x', 0xED, 0xBF, 0xBF],
        ["encoded surrogate pair 0xED 0xA0 0xBD 0xED 0xB8 0x80"] = [0xED, 0xA0, 0xBD, 0xED, 0xB8, 0x80],
        ["beyond U+10FFFF 0xF4 0x90 0x80 0x80"] = [0xF4, 0x90, 0x80, 0x80],
    };

    /// <summary>Each field: the decoder to use and the packet with the given bytes as the field's content.</summary>
    private static readonly Dictionary<string, (Func<MqttDecoder> Decoder, Func<byte[], byte[]> Packet)> Fields = new()
    {
        ["PUBLISH topic name"] = (() => Decoders.FromClient(MqttProtocolVersion.V311),
            s => PacketBytes.Packet(0x30, b => b.Binary(s).Bytes(1, 2))),
        ["PUBLISH topic name on 5.0"] = (() => Decoders.FromClient(MqttProtocolVersion.V500),
            s => PacketBytes.Packet(0x32, b => b.Binary(s).UInt16(1).Properties().Bytes(1, 2))),
        ["CONNECT client identifier"] = (() => Decoders.FromClient(),
            s => PacketBytes.Packet(0x10, b => b.ConnectHeader(MqttProtocolVersion.V311, 0x02).Binary(s))),
        ["CONNECT will topic"] = (() => Decoders.FromClient(),
            s => PacketBytes.Packet(0x10, b => b.ConnectHeader(MqttProtocolVersion.V311, 0x06).String("c").Binary(s).Binary(1))),
        ["CONNECT user name"] = (() => Decoders.FromClient(),
            s => PacketBytes.Packet(0x10, b => b.ConnectHeader(MqttProtocolVersion.V311, 0x82).String("c").Binary(s))),
        ["SUBSCRIBE topic filter"] = (() => Decoders.FromClient(MqttProtocolVersion.V311),
            s => PacketBytes.Packet(0x82, b => b.UInt16(1).String("ok").Byte(0).Binary(s).Byte(1))),
        ["UNSUBSCRIBE topic filter"] = (() => Decoders.FromClient(MqttProtocolVersion.V500),
            s => PacketBytes.Packet(0xA2, b => b.UInt16(1).Properties().Binary(s))),
        ["user property name"] = (() => Decoders.FromClient(MqttProtocolVersion.V500),
            s => PacketBytes.Packet(0x30, b => b.String("t").Properties(p => p.Byte((byte)PropertyId.UserProperty).Binary(s).String("v")))),
        ["user property value"] = (() => Decoders.FromClient(MqttProtocolVersion.V500),
            s => PacketBytes.Packet(0x30, b => b.String("t").Properties(p => p.Byte((byte)PropertyId.UserProperty).String("n").Binary(s)))),
        ["content type"] = (() => Decoders.FromClient(MqttProtocolVersion.V500),
            s => PacketBytes.Packet(0x30, b => b.String("t").Properties(p => p.Byte((byte)PropertyId.ContentType).Binary(s)))),
        ["response topic"] = (() => Decoders.FromClient(MqttProtocolVersion.V500),
            s => PacketBytes.Packet(0x30, b => b.String("t").Properties(p => p.Byte((byte)PropertyId.ResponseTopic).Binary(s)))),
        ["reason string of a PUBACK"] = (() => Decoders.FromServer(MqttProtocolVersion.V500),
            s => PacketBytes.Packet(0x40, b => b.UInt16(1).Byte(0x10).Properties(p => p.Byte((byte)PropertyId.ReasonString).Binary(s)))),
        ["authentication method of a CONNECT"] = (() => Decoders.FromClient(),
            s => PacketBytes.Packet(0x10, b => b.ConnectHeader(MqttProtocolVersion.V500, 0x02).Properties(p => p.Byte((byte)PropertyId.AuthenticationMethod).Binary(s)).String("c"))),
        ["assigned client identifier of a CONNACK"] = (() => Decoders.FromServer(MqttProtocolVersion.V500),
            s => PacketBytes.Packet(0x20, b => b.Byte(0).Byte(0).Properties(p => p.Byte((byte)PropertyId.AssignedClientIdentifier).Binary(s)))),
    };

    public static TheoryData<string, string> Cases()
    {
        var data = new TheoryData<string, string>();
        foreach (var field in Fields.Keys)
        {
            foreach (var problem in IllFormed.Keys)
            {
                data.Add(field, problem);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void String_that_is_not_well_formed_utf8_without_U_0000_is_malformed(string field, string problem)
    {
        var (decoder, packet) = Fields[field];

        DecodeAssert.Fails(decoder, packet(IllFormed[problem]), ReasonCode.MalformedPacket);
    }

    [Theory]
    [MemberData(nameof(WellFormedFields))]
    public void String_field_with_well_formed_utf8_decodes(string field)
    {
        // The same builders with good content, so that the failures above come from the bytes, not the packet.
        var (decoder, packet) = Fields[field];
        byte[] good = [(byte)'a', 0xC3, 0xBC, 0xE2, 0x82, 0xAC, 0xF0, 0xAA, 0x9B, 0x94]; // a, ü, €, U+2A6D4

        DecodeAssert.Decodes(decoder(), Segments.Single(packet(good)));
    }

    public static TheoryData<string> WellFormedFields() => new(Fields.Keys);
}
