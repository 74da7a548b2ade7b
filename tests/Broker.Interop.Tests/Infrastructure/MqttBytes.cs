using System.Text;

namespace Broker.Interop.Tests.Infrastructure;

/// <summary>
/// Well-formed MQTT packets written byte by byte from the specification, independent of the broker's own
/// codec, as seeds for <see cref="HostileTraffic"/> to mutate.
/// </summary>
public static class MqttBytes
{
    /// <summary>CONNECT: protocol name "MQTT", level 4 (3.1.1) or 5, clean session, keep-alive 60 s.</summary>
    public static byte[] Connect(string clientId, bool v5) =>
        Packet(0x10, [.. Utf8("MQTT"), (byte)(v5 ? 5 : 4), 0x02, 0x00, 0x3C, .. Properties(v5), .. Utf8(clientId)]);

    /// <summary>SUBSCRIBE (fixed header flags 0010 [MQTT-3.8.1-1]) to one filter at QoS 1.</summary>
    public static byte[] Subscribe(ushort packetId, string filter, bool v5) =>
        Packet(0x82, [.. Id(packetId), .. Properties(v5), .. Utf8(filter), 0x01]);

    /// <summary>PUBLISH at QoS 1.</summary>
    public static byte[] Publish(ushort packetId, string topic, byte[] payload, bool v5) =>
        Packet(0x32, [.. Utf8(topic), .. Id(packetId), .. Properties(v5), .. payload]);

    public static byte[] PingReq() => [0xC0, 0x00];

    public static byte[] Disconnect() => [0xE0, 0x00];

    /// <summary>Fixed header, then the remaining length as a variable byte integer (section 1.5.5).</summary>
    public static byte[] Packet(byte header, byte[] body)
    {
        var bytes = new List<byte> { header };
        var length = body.Length;
        do
        {
            var digit = (byte)(length % 128);
            length /= 128;
            bytes.Add(length > 0 ? (byte)(digit | 0x80) : digit);
        }
        while (length > 0);
        bytes.AddRange(body);
        return [.. bytes];
    }

    private static byte[] Utf8(string value)
    {
        var text = Encoding.UTF8.GetBytes(value);
        return [(byte)(text.Length >> 8), (byte)text.Length, .. text];
    }

    private static byte[] Id(ushort id) => [(byte)(id >> 8), (byte)id];

    // MQTT 5 packets carry a property length, zero here; 3.1.1 ones have no such field.
    private static byte[] Properties(bool v5) => v5 ? [0x00] : [];
}
