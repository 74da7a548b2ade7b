using System.Buffers;
using System.Runtime.InteropServices;
using Broker.Mqtt;
using Broker.Mqtt.Codec;
using Broker.Mqtt.Packets;
using Broker.Mqtt.Properties;
using Broker.Mqtt.Tests.Codec.Support;
using Xunit.Abstractions;

namespace Broker.Mqtt.Tests.Codec;

/// <summary>
/// The PUBLISH hot path: once a connection's topic and property section have been seen, decoding a PUBLISH
/// allocates the packet object and nothing else, and its payload is the receive buffer itself.
/// </summary>
public sealed class AllocationTests(ITestOutputHelper output)
{
    /// <summary>The heap size of one PublishPacket: what decoding a PUBLISH may allocate, measured rather than guessed.</summary>
    private static readonly long PublishPacketSize = MeasurePublishPacket();

    [Fact]
    public void Publish_packet_object_is_small()
    {
        // Header and method table (16), Topic, Properties and the payload's two segment references (4 x 8),
        // the payload's two indices (8), packet identifier, QoS, DUP, RETAIN (5, padded): 64 bytes on x64.
        output.WriteLine($"PublishPacket: {PublishPacketSize} bytes");
        Assert.InRange(PublishPacketSize, 40, 72);
    }

    [Theory]
    [InlineData(MqttProtocolVersion.V311, 0)]
    [InlineData(MqttProtocolVersion.V311, 1)]
    [InlineData(MqttProtocolVersion.V500, 0)]
    [InlineData(MqttProtocolVersion.V500, 2)]
    public void Publish_decoded_a_second_time_allocates_only_the_packet_object(MqttProtocolVersion version, int qos)
    {
        var properties = version == MqttProtocolVersion.V500
            ? new MqttProperties
            {
                ContentType = "application/json",
                PayloadFormatIndicator = PayloadFormatIndicator.Utf8,
                MessageExpiryInterval = 30,
                UserProperties = [new("device", "d-17"), new("firmware", "1.2.3")],
            }
            : MqttProperties.Empty;
        var bytes = Wire.Encode(new PublishPacket
        {
            Topic = "factory/line-3/press-7/temperature",
            QoS = (QualityOfService)qos,
            PacketId = (ushort)(qos == 0 ? 0 : 42),
            Payload = new ReadOnlySequence<byte>(new byte[64]),
            Properties = properties,
        }, version);
        var decoder = Decoders.FromClient(version);
        var first = Decode(decoder, bytes, out _);

        var second = Decode(decoder, bytes, out var allocated);

        Assert.Equal(PublishPacketSize, allocated);
        Assert.Same(first.Topic, second.Topic);
        Assert.Same(first.Properties, second.Properties);
        Assert.Equal(64, second.Payload.Length);
    }

    [Fact]
    public void Publish_with_a_different_property_section_gets_its_own_properties()
    {
        var decoder = Decoders.FromClient(MqttProtocolVersion.V500);
        var one = Decode(decoder, SamplePackets.Publish5(p => p.UserProperty("k", "1")), out _);

        var two = Decode(decoder, SamplePackets.Publish5(p => p.UserProperty("k", "2")), out _);

        Assert.NotSame(one.Properties, two.Properties);
        Assert.Equal("1", one.Properties.UserProperties[0].Value);
        Assert.Equal("2", two.Properties.UserProperties[0].Value);
    }

    [Fact]
    public void Publish_topics_that_share_a_cache_slot_decode_as_themselves()
    {
        // The topic cache's slot depends on the length and the last bytes only: these collide, and more
        // topics than slots evict each other. Each decode must still return its own topic.
        string[] topics = [.. Enumerable.Range(0, 40).Select(i => $"{(char)('a' + (i % 26))}{i / 26}/x/1"), "a/b", "b/b", "a/b/c"];
        var decoder = Decoders.FromClient(MqttProtocolVersion.V311);
        for (var round = 0; round < 3; round++)
        {
            foreach (var topic in topics)
            {
                var publish = Decode(decoder, Wire.Encode(new PublishPacket { Topic = topic }, MqttProtocolVersion.V311), out _);
                Assert.Equal(topic, publish.Topic);
            }
        }
    }

    [Fact]
    public void Publish_payload_is_a_slice_of_the_input_not_a_copy()
    {
        var bytes = Wire.Encode(new PublishPacket { Topic = "a/b", Payload = new ReadOnlySequence<byte>(new byte[64]) }, MqttProtocolVersion.V311);

        var publish = Decode(Decoders.FromClient(MqttProtocolVersion.V311), bytes, out _);

        Assert.True(publish.Payload.IsSingleSegment);
        Assert.True(MemoryMarshal.TryGetArray(publish.Payload.First, out var segment));
        Assert.Same(bytes, segment.Array);
        Assert.Equal(bytes.Length - 64, segment.Offset);
        Assert.Equal(64, segment.Count);
    }

    [Fact]
    public void Publish_payload_split_over_segments_is_a_slice_of_those_segments()
    {
        var bytes = Wire.Encode(new PublishPacket { Topic = "a/b", Payload = new ReadOnlySequence<byte>(new byte[64]) }, MqttProtocolVersion.V311);
        var input = Segments.Split(bytes, 20, 40);
        var inputSegments = new List<ReadOnlyMemory<byte>>();
        foreach (var memory in input)
        {
            inputSegments.Add(memory);
        }

        var publish = Assert.IsType<PublishPacket>(DecodeAssert.Decodes(Decoders.FromClient(MqttProtocolVersion.V311), input));

        var index = 0;
        foreach (var memory in publish.Payload)
        {
            Assert.True(MemoryMarshal.TryGetArray(memory, out var payloadPart));
            Assert.True(MemoryMarshal.TryGetArray(inputSegments[index], out var inputPart));
            Assert.Same(inputPart.Array, payloadPart.Array);
            index++;
        }

        Assert.Equal(3, index); // input bytes 7..19, 20..39 and 40..70
        Assert.Equal(input.Slice(bytes.Length - 64).End, publish.Payload.End);
    }

    private static PublishPacket Decode(MqttDecoder decoder, byte[] bytes, out long allocated)
    {
        var buffer = new ReadOnlySequence<byte>(bytes);
        var before = GC.GetAllocatedBytesForCurrentThread();
        var status = decoder.TryDecode(ref buffer, out var packet, out _);
        allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(DecodeStatus.Decoded, status);
        return Assert.IsType<PublishPacket>(packet);
    }

    private static long MeasurePublishPacket()
    {
        _ = new PublishPacket(); // first use: type loading
        var before = GC.GetAllocatedBytesForCurrentThread();
        var packet = new PublishPacket();
        var size = GC.GetAllocatedBytesForCurrentThread() - before;
        GC.KeepAlive(packet);
        return size;
    }
}
