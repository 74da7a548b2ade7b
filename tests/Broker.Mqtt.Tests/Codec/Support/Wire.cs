using System.Buffers;
using Broker.Mqtt;
using Broker.Mqtt.Codec;
using Broker.Mqtt.Packets;

namespace Broker.Mqtt.Tests.Codec.Support;

/// <summary>Encoding with the encoder under test, checking that its size pass agrees with what it writes.</summary>
internal static class Wire
{
    public static byte[] Encode(MqttPacket packet, MqttProtocolVersion version)
    {
        var output = new ArrayBufferWriter<byte>();
        var written = MqttEncoder.Write(output, packet, version);
        Assert.Equal(output.WrittenCount, written);
        Assert.Equal(written, MqttEncoder.GetSize(packet, version));
        return output.WrittenSpan.ToArray();
    }

    public static byte[] Concat(IEnumerable<byte[]> packets) => packets.SelectMany(p => p).ToArray();

    public static string Hex(ReadOnlySpan<byte> bytes) => Convert.ToHexString(bytes);
}
