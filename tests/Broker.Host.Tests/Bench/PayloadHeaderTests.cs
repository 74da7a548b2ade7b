using System.Buffers;
using Broker.Host.Bench;

namespace Broker.Host.Tests.Bench;

public sealed class PayloadHeaderTests
{
    [Fact]
    public void Round_trips_through_20_little_endian_bytes()
    {
        var header = new PayloadHeader(7, 0x0102030405060708, 1_700_000_000_123_456_789);
        var bytes = new byte[64];
        header.Write(bytes);
        Assert.Equal([7, 0, 0, 0, 8, 7, 6, 5, 4, 3, 2, 1], bytes[..12]);
        Assert.True(PayloadHeader.TryRead(bytes, out var read));
        Assert.Equal(header, read);
    }

    [Fact]
    public void Reads_a_header_split_across_pipe_segments()
    {
        var header = new PayloadHeader(3, 42, 99);
        var bytes = new byte[30];
        header.Write(bytes);
        for (var split = 1; split < 30; split++)
        {
            var sequence = Segments.Of(bytes[..split], bytes[split..]);
            Assert.True(PayloadHeader.TryRead(sequence, out var read));
            Assert.Equal(header, read);
        }
    }

    [Fact]
    public void A_payload_shorter_than_the_header_is_not_ours()
    {
        Assert.False(PayloadHeader.TryRead(new byte[19], out _));
        Assert.False(PayloadHeader.TryRead(new ReadOnlySequence<byte>(new byte[19]), out _));
    }

    [Fact]
    public void The_publish_template_patches_header_and_packet_id_into_a_frame_the_decoder_reads()
    {
        foreach (var version in new[] { Broker.Mqtt.MqttProtocolVersion.V311, Broker.Mqtt.MqttProtocolVersion.V500 })
        {
            var template = PublishTemplate.Create("bench/3", Broker.Mqtt.QualityOfService.AtLeastOnce, 64, version);
            var frame = new byte[template.Length];
            template.WriteTo(frame, new PayloadHeader(3, 11, 12), 513);
            var decoder = new Broker.Mqtt.Codec.MqttDecoder(new() { Peer = Broker.Mqtt.Codec.PeerRole.Server }) { ProtocolVersion = version };
            var buffer = new ReadOnlySequence<byte>(frame);
            Assert.Equal(Broker.Mqtt.Codec.DecodeStatus.Decoded, decoder.TryDecode(ref buffer, out var packet, out _));
            var publish = Assert.IsType<Broker.Mqtt.Packets.PublishPacket>(packet);
            Assert.Equal("bench/3", publish.Topic);
            Assert.Equal(513, publish.PacketId);
            Assert.Equal(64, publish.Payload.Length);
            Assert.True(PayloadHeader.TryRead(publish.Payload, out var header));
            Assert.Equal(new PayloadHeader(3, 11, 12), header);
        }
    }

    private sealed class Segments : ReadOnlySequenceSegment<byte>
    {
        private Segments(byte[] bytes, long index)
        {
            Memory = bytes;
            RunningIndex = index;
        }

        public static ReadOnlySequence<byte> Of(byte[] first, byte[] second)
        {
            var head = new Segments(first, 0);
            var tail = new Segments(second, first.Length);
            head.Next = tail;
            return new ReadOnlySequence<byte>(head, 0, tail, second.Length);
        }
    }
}
