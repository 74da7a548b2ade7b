using Broker.Mqtt;

namespace Broker.Mqtt.Tests.Codec.Support;

/// <summary>
/// Small hand-built packets with one part left to the caller, for the tests that break exactly that part.
/// Everything else in them is valid, which each builder's "decodes" test in PropertyTests shows.
/// </summary>
internal static class SamplePackets
{
    public const MqttProtocolVersion V5 = MqttProtocolVersion.V500;

    /// <summary>CONNECT 5.0 with clean start, the given properties and client identifier "c".</summary>
    public static byte[] Connect5(Action<PacketBytes> properties) =>
        PacketBytes.Packet(0x10, b => b.ConnectHeader(V5, 0x02).Properties(properties).String("c"));

    /// <summary>CONNECT 5.0 with a will whose properties are given, will topic "w", payload 0x01.</summary>
    public static byte[] ConnectWithWill5(Action<PacketBytes> willProperties) =>
        PacketBytes.Packet(0x10, b => b.ConnectHeader(V5, 0x06).Properties().String("c").Properties(willProperties).String("w").Binary(1));

    /// <summary>CONNACK 5.0, accepted, with the given properties.</summary>
    public static byte[] ConnAck5(Action<PacketBytes> properties) =>
        PacketBytes.Packet(0x20, b => b.Byte(0).Byte(0).Properties(properties));

    /// <summary>PUBLISH 5.0 at QoS 0 to topic "t" with the given properties and payload 0x01.</summary>
    public static byte[] Publish5(Action<PacketBytes> properties) =>
        PacketBytes.Packet(0x30, b => b.String("t").Properties(properties).Byte(1));

    /// <summary>PUBACK 5.0 for packet 1, reason 0x10, with the given properties.</summary>
    public static byte[] PubAck5(Action<PacketBytes> properties) =>
        PacketBytes.Packet(0x40, b => b.UInt16(1).Byte(0x10).Properties(properties));

    /// <summary>SUBSCRIBE 5.0, packet 1, the given properties, filter "a" at QoS 1.</summary>
    public static byte[] Subscribe5(Action<PacketBytes> properties) =>
        PacketBytes.Packet(0x82, b => b.UInt16(1).Properties(properties).String("a").Byte(1));

    /// <summary>SUBSCRIBE, packet 1, one subscription with the given filter and options byte.</summary>
    public static byte[] Subscribe(MqttProtocolVersion version, string filter, byte options) =>
        PacketBytes.Packet(0x82, b =>
        {
            b.UInt16(1);
            if (version == V5)
            {
                b.Properties();
            }

            b.String(filter).Byte(options);
        });

    /// <summary>UNSUBSCRIBE, packet 1, one filter.</summary>
    public static byte[] Unsubscribe(MqttProtocolVersion version, string filter) =>
        PacketBytes.Packet(0xA2, b =>
        {
            b.UInt16(1);
            if (version == V5)
            {
                b.Properties();
            }

            b.String(filter);
        });

    /// <summary>UNSUBSCRIBE 5.0, packet 1, the given properties, filter "a".</summary>
    public static byte[] Unsubscribe5(Action<PacketBytes> properties) =>
        PacketBytes.Packet(0xA2, b => b.UInt16(1).Properties(properties).String("a"));

    /// <summary>DISCONNECT 5.0 with reason 0x00 and the given properties.</summary>
    public static byte[] Disconnect5(Action<PacketBytes> properties) =>
        PacketBytes.Packet(0xE0, b => b.Byte(0).Properties(properties));

    /// <summary>AUTH with the given reason and properties.</summary>
    public static byte[] Auth(byte reason, Action<PacketBytes> properties) =>
        PacketBytes.Packet(0xF0, b => b.Byte(reason).Properties(properties));
}
