using System.Buffers;
using Broker.Mqtt;
using Broker.Mqtt.Codec;
using Broker.Mqtt.Packets;
using Broker.Mqtt.Tests.Codec.Support;

namespace Broker.Mqtt.Tests.Codec;

/// <summary>
/// A pipe hands the decoder whatever has arrived, in segments cut anywhere. Whatever the cuts, the decoder
/// must produce the packet it produces from one contiguous buffer (the round-trip tests check that one
/// against the encoded packet), and until the last byte it must say Incomplete and leave the buffer alone.
/// </summary>
public sealed class SegmentSplitTests
{
    public static TheoryData<MqttProtocolVersion, string> Cases => PacketCatalog.Cases();

    [Theory]
    [MemberData(nameof(Cases))]
    public void Packet_split_in_two_at_every_byte_decodes_the_same(MqttProtocolVersion version, string name)
    {
        var (entry, bytes, expected) = Reference(version, name);
        for (var cut = 0; cut <= bytes.Length; cut++)
        {
            var decoded = DecodeAssert.Decodes(PacketCatalog.DecoderFor(entry), Segments.Split(bytes, cut));
            Assert.True(expected == PacketDump.Describe(decoded), $"cut at {cut} of {Wire.Hex(bytes)}");
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Packet_cut_into_random_segments_decodes_the_same(MqttProtocolVersion version, string name)
    {
        var (entry, bytes, expected) = Reference(version, name);
        var reencoded = Wire.Encode(DecodeAssert.Decodes(PacketCatalog.DecoderFor(entry), Segments.Single(bytes)), version);
        var random = new Random(20_240_601);
        for (var i = 0; i < 50; i++)
        {
            var buffer = Segments.RandomCuts(bytes, random, maximumCuts: 8);
            var decoded = DecodeAssert.Decodes(PacketCatalog.DecoderFor(entry), buffer);
            Assert.True(expected == PacketDump.Describe(decoded), $"cuts {string.Join(",", SegmentLengths(buffer))} of {Wire.Hex(bytes)}");

            // A payload that spans segments is written back whole (the encoder walks the sequence).
            Assert.Equal(Wire.Hex(reencoded), Wire.Hex(Wire.Encode(decoded, version)));
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Packet_with_every_byte_in_its_own_segment_decodes_the_same(MqttProtocolVersion version, string name)
    {
        var (entry, bytes, expected) = Reference(version, name);

        var decoded = DecodeAssert.Decodes(PacketCatalog.DecoderFor(entry), Segments.OneBytePerSegment(bytes));

        Assert.Equal(expected, PacketDump.Describe(decoded));
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Packet_fed_one_byte_at_a_time_is_incomplete_until_its_last_byte(MqttProtocolVersion version, string name)
    {
        var (entry, bytes, expected) = Reference(version, name);
        var decoder = PacketCatalog.DecoderFor(entry);
        for (var length = 0; length < bytes.Length; length++)
        {
            var buffer = Segments.OneBytePerSegment(bytes.AsSpan(0, length));
            var before = buffer;

            var status = decoder.TryDecode(ref buffer, out var packet, out _);

            Assert.True(status == DecodeStatus.Incomplete, $"{status} with {length} of {bytes.Length} bytes");
            Assert.Null(packet);
            Assert.Equal(before.Start, buffer.Start);
            Assert.Equal(before.End, buffer.End);
        }

        var decoded = DecodeAssert.Decodes(decoder, Segments.OneBytePerSegment(bytes));
        Assert.Equal(expected, PacketDump.Describe(decoded));
    }

    [Theory]
    [InlineData(MqttProtocolVersion.V310)]
    [InlineData(MqttProtocolVersion.V311)]
    [InlineData(MqttProtocolVersion.V500)]
    public void Client_packets_back_to_back_decode_one_after_the_other(MqttProtocolVersion version) =>
        DecodeBackToBack(version, PeerRole.Client);

    [Theory]
    [InlineData(MqttProtocolVersion.V310)]
    [InlineData(MqttProtocolVersion.V311)]
    [InlineData(MqttProtocolVersion.V500)]
    public void Server_packets_back_to_back_decode_one_after_the_other(MqttProtocolVersion version) =>
        DecodeBackToBack(version, PeerRole.Server);

    [Fact]
    public void Packets_back_to_back_stop_at_a_partial_last_packet_and_leave_its_bytes()
    {
        var publish = Wire.Encode(PacketCatalog.Get(MqttProtocolVersion.V311, "PUBLISH QoS 1 retained").Packet, MqttProtocolVersion.V311);
        var ping = Wire.Encode(PingReqPacket.Instance, MqttProtocolVersion.V311);
        var bytes = Wire.Concat([publish, ping, publish[..^1]]);
        var decoder = Decoders.FromClient(MqttProtocolVersion.V311);
        var buffer = Segments.Split(bytes, 3, publish.Length + 1);

        Assert.Equal(DecodeStatus.Decoded, decoder.TryDecode(ref buffer, out var first, out _));
        Assert.Equal(DecodeStatus.Decoded, decoder.TryDecode(ref buffer, out var second, out _));
        Assert.Equal(DecodeStatus.Incomplete, decoder.TryDecode(ref buffer, out var third, out _));

        Assert.IsType<PublishPacket>(first);
        Assert.Same(PingReqPacket.Instance, second);
        Assert.Null(third);
        Assert.Equal(publish[..^1], buffer.ToArray());
    }

    /// <summary>CONNECT first (it sets the level on the server side), then every other packet the sender has.</summary>
    private static void DecodeBackToBack(MqttProtocolVersion version, PeerRole sender)
    {
        var entries = PacketCatalog.All
            .Where(e => e.Version == version && e.Sender == sender)
            .OrderBy(e => e.Name == "CONNECT with every field" ? 0 : 1)
            .ToArray();
        var expected = entries.Select(e => PacketDump.Describe(DecodeAssert.Decodes(PacketCatalog.DecoderFor(e), Segments.Single(Wire.Encode(e.Packet, version))))).ToArray();
        var bytes = Wire.Concat(entries.Select(e => Wire.Encode(e.Packet, version)));

        foreach (var buffer in new[] { Segments.Single(bytes), Segments.OneBytePerSegment(bytes), Segments.RandomCuts(bytes, new Random(5), 20) })
        {
            var decoder = sender == PeerRole.Client ? Decoders.FromClient() : Decoders.FromServer(version);
            var remaining = buffer;
            for (var i = 0; i < entries.Length; i++)
            {
                var status = decoder.TryDecode(ref remaining, out var packet, out var error);
                Assert.True(status == DecodeStatus.Decoded, $"{entries[i]}: {status} {error}");
                Assert.Equal(expected[i], PacketDump.Describe(packet));
            }

            Assert.True(remaining.IsEmpty);
            Assert.Equal(DecodeStatus.Incomplete, decoder.TryDecode(ref remaining, out _, out _));
        }
    }

    /// <summary>The entry, its bytes, and what the decoder makes of them in one contiguous buffer.</summary>
    private static (CatalogEntry Entry, byte[] Bytes, string Expected) Reference(MqttProtocolVersion version, string name)
    {
        var entry = PacketCatalog.Get(version, name);
        var bytes = Wire.Encode(entry.Packet, version);
        var decoded = DecodeAssert.Decodes(PacketCatalog.DecoderFor(entry), Segments.Single(bytes));
        return (entry, bytes, PacketDump.Describe(decoded));
    }

    private static IEnumerable<int> SegmentLengths(ReadOnlySequence<byte> buffer)
    {
        foreach (var segment in buffer)
        {
            yield return segment.Length;
        }
    }
}
