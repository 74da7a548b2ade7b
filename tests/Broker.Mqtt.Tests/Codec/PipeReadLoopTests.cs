using System.Buffers;
using System.IO.Pipelines;
using Broker.Mqtt;
using Broker.Mqtt.Codec;
using Broker.Mqtt.Packets;

namespace Broker.Mqtt.Tests.Codec;

/// <summary>
/// The decoder in the read loop a connection runs (Kestrel's pattern: read, decode what is complete,
/// AdvanceTo(consumed, examined)), over a real <see cref="Pipe"/> fed in chunks of random sizes with a
/// flush after each, so frames arrive split across reads and segments and several frames per read.
/// </summary>
public sealed class PipeReadLoopTests
{
    [Theory]
    [InlineData(1, 1)]
    [InlineData(2, 7)]
    [InlineData(3, 64)]
    [InlineData(4, 5000)]
    public async Task Packets_written_in_random_chunks_are_decoded_in_order(int seed, int maximumChunk)
    {
        var sent = Enumerable.Range(0, 300).Select(i => Publish(i, payloadSize: i % 50 == 0 ? 20_000 : i % 97)).ToList();
        var bytes = Encode(sent);
        var pipe = new Pipe(new PipeOptions(minimumSegmentSize: 64, pauseWriterThreshold: 0));

        var writing = WriteInChunksAsync(pipe.Writer, bytes, new Random(seed), maximumChunk);
        var received = await ReadLoopAsync(pipe.Reader, new MqttDecoder(new MqttDecoderOptions()) { ProtocolVersion = MqttProtocolVersion.V500 });
        await writing;

        Assert.Equal(sent.Count, received.Count);
        for (var i = 0; i < sent.Count; i++)
        {
            Assert.Equal(sent[i].Topic, received[i].Topic);
            Assert.Equal(sent[i].PacketId, received[i].PacketId);
            Assert.Equal(sent[i].Payload.ToArray(), received[i].Payload);
        }
    }

    [Fact]
    public async Task A_failed_decode_stops_the_loop_with_the_reason_and_keeps_earlier_packets()
    {
        var good = Encode([Publish(1, 10)]);
        byte[] wildcardTopic = [0x30, 0x04, 0x00, 0x01, (byte)'#', 0x00];
        var pipe = new Pipe();
        await pipe.Writer.WriteAsync(good.Concat(wildcardTopic).ToArray());
        await pipe.Writer.CompleteAsync();

        var decoder = new MqttDecoder { ProtocolVersion = MqttProtocolVersion.V500 };
        var result = await pipe.Reader.ReadAsync();
        var buffer = result.Buffer;
        Assert.Equal(DecodeStatus.Decoded, decoder.TryDecode(ref buffer, out _, out _));
        Assert.Equal(DecodeStatus.Failed, decoder.TryDecode(ref buffer, out _, out var error));
        Assert.Equal(ReasonCode.TopicNameInvalid, error.ReasonCode);
        Assert.Equal(PacketType.Publish, error.PacketType);
        pipe.Reader.AdvanceTo(buffer.Start);
    }

    private static async Task<List<(string Topic, ushort PacketId, byte[] Payload)>> ReadLoopAsync(PipeReader reader, MqttDecoder decoder)
    {
        var received = new List<(string, ushort, byte[])>();
        while (true)
        {
            var result = await reader.ReadAsync();
            var buffer = result.Buffer;
            try
            {
                while (true)
                {
                    var status = decoder.TryDecode(ref buffer, out var packet, out var error);
                    if (status == DecodeStatus.Incomplete)
                    {
                        break;
                    }

                    Assert.True(status == DecodeStatus.Decoded, error.ToString());
                    var publish = Assert.IsType<PublishPacket>(packet);
                    // The payload is a slice of the pipe's memory: copy it before AdvanceTo releases it.
                    received.Add((publish.Topic, publish.PacketId, publish.Payload.ToArray()));
                }

                if (result.IsCompleted)
                {
                    Assert.True(buffer.IsEmpty, $"{buffer.Length} bytes of an incomplete packet at the end of the stream");
                    await reader.CompleteAsync();
                    return received;
                }
            }
            finally
            {
                if (!result.IsCompleted)
                {
                    reader.AdvanceTo(buffer.Start, buffer.End);
                }
            }
        }
    }

    private static async Task WriteInChunksAsync(PipeWriter writer, byte[] bytes, Random random, int maximumChunk)
    {
        for (var offset = 0; offset < bytes.Length;)
        {
            var chunk = Math.Min(random.Next(1, maximumChunk + 1), bytes.Length - offset);
            await writer.WriteAsync(bytes.AsMemory(offset, chunk));
            offset += chunk;
        }

        await writer.CompleteAsync();
    }

    private static PublishPacket Publish(int index, int payloadSize) => new()
    {
        Topic = $"plant/building2/line{index % 3}/machine{index % 7}/temperature",
        QoS = (QualityOfService)(index % 3),
        PacketId = index % 3 == 0 ? (ushort)0 : (ushort)(index + 1),
        Payload = new ReadOnlySequence<byte>(Enumerable.Range(0, payloadSize).Select(b => (byte)(b + index)).ToArray()),
    };

    private static byte[] Encode(IEnumerable<MqttPacket> packets)
    {
        var output = new ArrayBufferWriter<byte>();
        foreach (var packet in packets)
        {
            MqttEncoder.Write(output, packet, MqttProtocolVersion.V500);
        }

        return output.WrittenSpan.ToArray();
    }
}
