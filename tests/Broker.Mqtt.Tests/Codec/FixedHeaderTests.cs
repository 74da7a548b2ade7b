using System.Buffers;
using Broker.Mqtt;
using Broker.Mqtt.Codec;
using Broker.Mqtt.Packets;
using Broker.Mqtt.Tests.Codec.Support;

namespace Broker.Mqtt.Tests.Codec;

/// <summary>The fixed header (2.1): packet type, the flags each type fixes, the remaining length, the size limit.</summary>
public sealed class FixedHeaderTests
{
    /// <summary>
    /// [MQTT-2.2.2-1, 2.2.2-2]: PUBREL, SUBSCRIBE and UNSUBSCRIBE carry flags 0b0010, every other type but
    /// PUBLISH carries 0; anything else is malformed. Each row is a valid packet with its first byte replaced.
    /// </summary>
    [Theory]
    [InlineData("CONNECT minimal", MqttProtocolVersion.V311, 0x11)]
    [InlineData("CONNECT minimal", MqttProtocolVersion.V500, 0x18)]
    [InlineData("CONNACK accepted", MqttProtocolVersion.V311, 0x21)]
    [InlineData("CONNACK accepted", MqttProtocolVersion.V500, 0x2F)]
    [InlineData("PUBACK", MqttProtocolVersion.V311, 0x42)]
    [InlineData("PUBACK", MqttProtocolVersion.V500, 0x41)]
    [InlineData("PUBREC", MqttProtocolVersion.V311, 0x52)]
    [InlineData("PUBREL", MqttProtocolVersion.V311, 0x60)]
    [InlineData("PUBREL", MqttProtocolVersion.V311, 0x63)]
    [InlineData("PUBREL", MqttProtocolVersion.V500, 0x6A)]
    [InlineData("PUBCOMP", MqttProtocolVersion.V311, 0x72)]
    [InlineData("SUBSCRIBE", MqttProtocolVersion.V311, 0x80)]
    [InlineData("SUBSCRIBE", MqttProtocolVersion.V311, 0x83)]
    [InlineData("SUBSCRIBE", MqttProtocolVersion.V500, 0x86)]
    [InlineData("SUBACK", MqttProtocolVersion.V311, 0x92)]
    [InlineData("UNSUBSCRIBE", MqttProtocolVersion.V311, 0xA0)]
    [InlineData("UNSUBSCRIBE", MqttProtocolVersion.V500, 0xAB)]
    [InlineData("UNSUBACK", MqttProtocolVersion.V311, 0xB2)]
    [InlineData("PINGREQ", MqttProtocolVersion.V311, 0xC1)]
    [InlineData("PINGREQ", MqttProtocolVersion.V311, 0xC2)]
    [InlineData("PINGRESP", MqttProtocolVersion.V311, 0xD8)]
    [InlineData("DISCONNECT", MqttProtocolVersion.V311, 0xE2)]
    [InlineData("DISCONNECT", MqttProtocolVersion.V500, 0xE1)]
    [InlineData("AUTH", MqttProtocolVersion.V500, 0xF2)]
    public void Fixed_header_flags_other_than_the_packet_types_own_are_malformed(string name, MqttProtocolVersion version, byte firstByte)
    {
        var entry = PacketCatalog.Get(version, name);
        var bytes = Wire.Encode(entry.Packet, version);
        Assert.Equal(firstByte >> 4, bytes[0] >> 4);
        bytes[0] = firstByte;

        var error = DecodeAssert.Fails(() => PacketCatalog.DecoderFor(entry), bytes, ReasonCode.MalformedPacket);

        Assert.Equal(entry.Packet.Type, error.PacketType);
    }

    [Theory]
    [InlineData(PeerRole.Client, MqttProtocolVersion.Unknown)]
    [InlineData(PeerRole.Client, MqttProtocolVersion.V311)]
    [InlineData(PeerRole.Server, MqttProtocolVersion.V500)]
    public void Reserved_packet_type_0_is_malformed(PeerRole sender, MqttProtocolVersion version)
    {
        var error = DecodeAssert.Fails(() => Decoders.From(sender, version), [0x00, 0x00], ReasonCode.MalformedPacket);

        Assert.Equal(PacketType.Reserved, error.PacketType);
    }

    [Theory]
    [InlineData(PeerRole.Client, MqttProtocolVersion.V311)]
    [InlineData(PeerRole.Client, MqttProtocolVersion.V310)]
    [InlineData(PeerRole.Server, MqttProtocolVersion.V311)]
    public void Auth_packet_type_15_before_5_0_is_malformed(PeerRole sender, MqttProtocolVersion version) =>
        DecodeAssert.Fails(() => Decoders.From(sender, version), [0xF0, 0x02, 0x18, 0x00], ReasonCode.MalformedPacket);

    [Fact]
    public void Remaining_length_of_5_bytes_is_malformed() =>
        DecodeAssert.Fails(() => Decoders.FromClient(MqttProtocolVersion.V311), [0x30, 0xFF, 0xFF, 0xFF, 0xFF, 0x7F], ReasonCode.MalformedPacket);

    [Fact]
    public void Remaining_length_whose_fourth_byte_has_the_continuation_bit_is_malformed_before_a_fifth_byte_arrives() =>
        DecodeAssert.Fails(() => Decoders.FromClient(MqttProtocolVersion.V311), [0x30, 0x80, 0x80, 0x80, 0x80], ReasonCode.MalformedPacket);

    [Theory]
    [InlineData(new byte[] { 0xC0, 0x80, 0x00 })] // PINGREQ, 0 in two bytes
    [InlineData(new byte[] { 0x30, 0x83, 0x00, 0x00, 0x01, (byte)'a' })] // PUBLISH, 3 in two bytes
    [InlineData(new byte[] { 0x30, 0x83, 0x80, 0x00, 0x00, 0x01, (byte)'a' })] // PUBLISH, 3 in three bytes
    [InlineData(new byte[] { 0xC0, 0x80, 0x80, 0x80, 0x00 })] // PINGREQ, 0 in four bytes
    public void MQTT_1_5_5_1_remaining_length_not_in_the_minimum_number_of_bytes_is_malformed(byte[] bytes) =>
        DecodeAssert.Fails(() => Decoders.FromClient(MqttProtocolVersion.V311), bytes, ReasonCode.MalformedPacket);

    [Theory]
    [InlineData(new byte[0])]
    [InlineData(new byte[] { 0x30 })]
    [InlineData(new byte[] { 0x30, 0x80 })]
    [InlineData(new byte[] { 0x30, 0x80, 0x80, 0x80 })]
    [InlineData(new byte[] { 0x30, 0x05, 0x00, 0x01, (byte)'a' })]
    public void Header_or_body_not_yet_arrived_is_incomplete(byte[] bytes)
    {
        var buffer = Segments.OneBytePerSegment(bytes);

        var status = Decoders.FromClient(MqttProtocolVersion.V311).TryDecode(ref buffer, out var packet, out _);

        Assert.Equal(DecodeStatus.Incomplete, status);
        Assert.Null(packet);
        Assert.Equal(bytes.Length, buffer.Length);
    }

    [Theory]
    [InlineData(new byte[] { 0x30, 0x63 })] // remaining length 99: 101 bytes in all
    [InlineData(new byte[] { 0x30, 0xE8, 0x07 })] // 1000
    [InlineData(new byte[] { 0x10, 0xFF, 0x7F })] // a CONNECT, the first packet, of 16,386 bytes
    public void Packet_too_large_fails_with_0x95_from_its_fixed_header_before_the_body_arrives(byte[] header)
    {
        var error = DecodeAssert.Fails(() => Decoders.FromClient(header[0] == 0x10 ? MqttProtocolVersion.Unknown : MqttProtocolVersion.V500, maximumPacketSize: 100), header, ReasonCode.PacketTooLarge);

        Assert.Equal((PacketType)(header[0] >> 4), error.PacketType);
    }

    [Fact]
    public void Packet_of_exactly_the_maximum_size_decodes()
    {
        // The limit counts the whole packet, fixed header included (5.0 section 3.1.2.11.4).
        var bytes = Wire.Encode(new PublishPacket { Topic = "t", Payload = new ReadOnlySequence<byte>(new byte[95]) }, MqttProtocolVersion.V311);
        Assert.Equal(100, bytes.Length);

        DecodeAssert.Decodes<PublishPacket>(Decoders.FromClient(MqttProtocolVersion.V311, maximumPacketSize: 100), bytes);
        DecodeAssert.Fails(() => Decoders.FromClient(MqttProtocolVersion.V311, maximumPacketSize: 99), bytes, ReasonCode.PacketTooLarge);
    }

    [Fact]
    public void Remaining_length_of_268_MB_fails_with_0x95_at_once_without_allocating_for_the_body()
    {
        var decoder = Decoders.FromClient(MqttProtocolVersion.V311, maximumPacketSize: 4096);
        byte[] header = [0x30, 0xFF, 0xFF, 0xFF, 0x7F];
        Decode(decoder, header); // warm up: the first exception thrown in a process loads more than later ones

        var before = GC.GetAllocatedBytesForCurrentThread();
        var (status, error) = Decode(decoder, header);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(DecodeStatus.Failed, status);
        Assert.Equal(ReasonCode.PacketTooLarge, error.ReasonCode);
        // The exception and its message, nothing in proportion to the announced 268,435,455 bytes.
        Assert.True(allocated < 16 * 1024, $"{allocated} bytes allocated");
    }

    [Fact]
    public void Remaining_length_of_268_MB_under_the_protocol_maximum_waits_for_the_body_without_allocating()
    {
        var decoder = Decoders.FromClient(MqttProtocolVersion.V311);
        byte[] header = [0x30, 0xFF, 0xFF, 0xFF, 0x7F];
        Decode(decoder, header);

        var before = GC.GetAllocatedBytesForCurrentThread();
        var (status, _) = Decode(decoder, header);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(DecodeStatus.Incomplete, status);
        Assert.Equal(0, allocated);
    }

    private static (DecodeStatus Status, MqttDecodeError Error) Decode(MqttDecoder decoder, byte[] bytes)
    {
        var buffer = new ReadOnlySequence<byte>(bytes);
        var status = decoder.TryDecode(ref buffer, out _, out var error);
        return (status, error);
    }
}
