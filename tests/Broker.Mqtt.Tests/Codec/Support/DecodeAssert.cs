using System.Buffers;
using Broker.Mqtt;
using Broker.Mqtt.Codec;
using Broker.Mqtt.Packets;

namespace Broker.Mqtt.Tests.Codec.Support;

internal static class DecodeAssert
{
    /// <summary>Decodes exactly one packet that fills <paramref name="bytes"/>, as one segment.</summary>
    public static T Decodes<T>(MqttDecoder decoder, byte[] bytes)
        where T : MqttPacket =>
        Assert.IsAssignableFrom<T>(Decodes(decoder, Segments.Single(bytes)));

    /// <summary>Decodes exactly one packet that fills <paramref name="buffer"/>, and leaves the buffer empty.</summary>
    public static MqttPacket Decodes(MqttDecoder decoder, ReadOnlySequence<byte> buffer)
    {
        var length = buffer.Length;
        var status = decoder.TryDecode(ref buffer, out var packet, out var error);
        Assert.True(status == DecodeStatus.Decoded, $"expected Decoded, got {status} {error} for {length} bytes");
        Assert.NotNull(packet);
        Assert.True(buffer.IsEmpty, $"{buffer.Length} of {length} bytes left after the packet");
        return packet;
    }

    /// <summary>
    /// The bytes hold a whole packet that the decoder must refuse with <paramref name="expected"/>: checked with
    /// the bytes in one segment and split in two at every position, each time with a fresh decoder, since the
    /// verdict may not depend on how the bytes arrived. The buffer must be left as it was.
    /// </summary>
    public static MqttDecodeError Fails(Func<MqttDecoder> newDecoder, byte[] bytes, ReasonCode expected)
    {
        var error = FailsOnce(newDecoder(), Segments.Single(bytes), expected, "one segment");
        for (var cut = 0; cut <= bytes.Length; cut++)
        {
            FailsOnce(newDecoder(), Segments.Split(bytes, cut), expected, $"cut at {cut}");
        }

        return error;
    }

    private static MqttDecodeError FailsOnce(MqttDecoder decoder, ReadOnlySequence<byte> buffer, ReasonCode expected, string how)
    {
        var before = buffer;
        var status = decoder.TryDecode(ref buffer, out var packet, out var error);
        var context = $"{how} of {Wire.Hex(before.ToArray())}";
        Assert.True(status == DecodeStatus.Failed, $"expected Failed, got {status} ({packet}) for {context}");
        Assert.True(expected == error.ReasonCode, $"expected {expected} (0x{(byte)expected:X2}), got {error} for {context}");
        Assert.Null(packet);
        Assert.False(string.IsNullOrEmpty(error.Message));
        Assert.Equal(before.Start, buffer.Start);
        Assert.Equal(before.Length, buffer.Length);
        return error;
    }
}
