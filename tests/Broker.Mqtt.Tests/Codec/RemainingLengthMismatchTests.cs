using Broker.Mqtt;
using Broker.Mqtt.Codec;
using Broker.Mqtt.Properties;
using Broker.Mqtt.Tests.Codec.Support;

namespace Broker.Mqtt.Tests.Codec;

/// <summary>
/// The remaining length bounds the packet: a field that runs past it (too short) or bytes left after the last
/// field of a fixed layout (too long) make the packet malformed. Never "wait for more": the packet has ended.
/// </summary>
public sealed class RemainingLengthMismatchTests
{
    private static readonly Func<MqttDecoder> Server = () => Decoders.FromClient();
    private static readonly Func<MqttDecoder> Server311 = () => Decoders.FromClient(MqttProtocolVersion.V311);
    private static readonly Func<MqttDecoder> Server5 = () => Decoders.FromClient(MqttProtocolVersion.V500);
    private static readonly Func<MqttDecoder> Client311 = () => Decoders.FromServer(MqttProtocolVersion.V311);
    private static readonly Func<MqttDecoder> Client5 = () => Decoders.FromServer(MqttProtocolVersion.V500);

    private static readonly Action<PacketBytes> FullConnect311 = b => b
        .ConnectHeader(MqttProtocolVersion.V311, 0xEE) // user name, password, will retain, will QoS 1, will, clean
        .String("client").String("will/topic").Binary(1, 2, 3).String("user").Binary(9, 9);

    private static readonly Action<PacketBytes> FullConnect5 = b => b
        .ConnectHeader(MqttProtocolVersion.V500, 0xC2)
        .Properties(p => p.UInt32Property(PropertyId.SessionExpiryInterval, 60).UserProperty("k", "v"))
        .String("client").String("user").Binary(9, 9);

    [Theory]
    [InlineData(3, "protocol name")]
    [InlineData(6, "protocol level")]
    [InlineData(7, "connect flags")]
    [InlineData(9, "keep alive")]
    [InlineData(11, "client identifier")]
    [InlineData(15, "client identifier")]
    [InlineData(25, "will topic")]
    [InlineData(33, "will payload")]
    [InlineData(39, "user name")]
    [InlineData(43, "password")]
    public void Connect_with_remaining_length_ending_inside_a_field_is_malformed(int remainingLength, string field)
    {
        var error = DecodeAssert.Fails(Server, Truncated(0x10, remainingLength, FullConnect311), ReasonCode.MalformedPacket);

        Assert.Contains(field, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(10)]
    [InlineData(13)]
    [InlineData(20)]
    public void Connect_5_0_with_remaining_length_ending_inside_the_properties_is_malformed(int remainingLength)
    {
        var error = DecodeAssert.Fails(Server, Truncated(0x10, remainingLength, FullConnect5), ReasonCode.MalformedPacket);

        Assert.Contains("property length", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Connect_with_a_byte_after_the_password_is_malformed() =>
        DecodeAssert.Fails(Server, PacketBytes.Packet(0x10, b => { FullConnect311(b); b.Byte(0); }), ReasonCode.MalformedPacket);

    [Fact]
    public void Connect_5_0_with_a_byte_after_the_password_is_malformed() =>
        DecodeAssert.Fails(Server, PacketBytes.Packet(0x10, b => { FullConnect5(b); b.Byte(0); }), ReasonCode.MalformedPacket);

    [Fact]
    public void Connect_with_a_byte_after_the_client_identifier_and_no_flags_is_malformed() =>
        DecodeAssert.Fails(Server, PacketBytes.Packet(0x10, b => b.ConnectHeader(MqttProtocolVersion.V311, 0x02).String("c").Byte(0)), ReasonCode.MalformedPacket);

    [Fact]
    public void Connack_with_remaining_length_1_is_malformed() =>
        DecodeAssert.Fails(Client311, [0x20, 0x01, 0x00], ReasonCode.MalformedPacket);

    [Fact]
    public void Connack_3_1_1_with_remaining_length_3_is_malformed() =>
        DecodeAssert.Fails(Client311, [0x20, 0x03, 0x00, 0x00, 0x00], ReasonCode.MalformedPacket);

    [Fact]
    public void Connack_5_0_without_its_property_length_is_malformed() =>
        DecodeAssert.Fails(Client5, [0x20, 0x02, 0x00, 0x00], ReasonCode.MalformedPacket);

    [Fact]
    public void Connack_5_0_with_a_byte_after_the_properties_is_malformed() =>
        DecodeAssert.Fails(Client5, [0x20, 0x04, 0x00, 0x00, 0x00, 0x00], ReasonCode.MalformedPacket);

    [Fact]
    public void Publish_with_remaining_length_ending_inside_the_topic_is_malformed() =>
        DecodeAssert.Fails(Server311, [0x30, 0x03, 0x00, 0x05, (byte)'a'], ReasonCode.MalformedPacket);

    [Fact]
    public void Publish_with_remaining_length_ending_inside_the_topic_length_is_malformed() =>
        DecodeAssert.Fails(Server311, [0x30, 0x01, 0x00], ReasonCode.MalformedPacket);

    [Fact]
    public void Publish_qos_1_with_remaining_length_ending_inside_the_packet_id_is_malformed() =>
        DecodeAssert.Fails(Server311, [0x32, 0x04, 0x00, 0x01, (byte)'a', 0x00], ReasonCode.MalformedPacket);

    [Fact]
    public void Publish_5_0_with_remaining_length_ending_before_the_property_length_is_malformed() =>
        DecodeAssert.Fails(Server5, [0x30, 0x03, 0x00, 0x01, (byte)'a'], ReasonCode.MalformedPacket);

    [Fact]
    public void Publish_5_0_with_a_property_length_past_the_remaining_length_is_malformed() =>
        DecodeAssert.Fails(Server5, [0x30, 0x06, 0x00, 0x01, (byte)'a', 0x05, 0x01, 0x01], ReasonCode.MalformedPacket);

    [Theory]
    [InlineData(0x40)]
    [InlineData(0x50)]
    [InlineData(0x62)]
    [InlineData(0x70)]
    public void Publish_acknowledgement_with_remaining_length_1_is_malformed(byte firstByte)
    {
        DecodeAssert.Fails(Server311, [firstByte, 0x01, 0x00], ReasonCode.MalformedPacket);
        DecodeAssert.Fails(Server5, [firstByte, 0x01, 0x00], ReasonCode.MalformedPacket);
    }

    [Theory]
    [InlineData(0x40)]
    [InlineData(0x50)]
    [InlineData(0x62)]
    [InlineData(0x70)]
    public void Publish_acknowledgement_3_1_1_with_remaining_length_3_is_malformed(byte firstByte) =>
        DecodeAssert.Fails(Server311, [firstByte, 0x03, 0x00, 0x01, 0x00], ReasonCode.MalformedPacket);

    [Fact]
    public void Puback_5_0_with_a_byte_after_the_properties_is_malformed() =>
        DecodeAssert.Fails(Server5, [0x40, 0x05, 0x00, 0x01, 0x00, 0x00, 0x00], ReasonCode.MalformedPacket);

    [Fact]
    public void Puback_5_0_with_a_property_length_past_the_remaining_length_is_malformed() =>
        DecodeAssert.Fails(Server5, [0x40, 0x05, 0x00, 0x01, 0x10, 0x03, 0x1F], ReasonCode.MalformedPacket);

    [Fact]
    public void Subscribe_with_remaining_length_ending_before_the_options_byte_is_malformed() =>
        DecodeAssert.Fails(Server311, [0x82, 0x05, 0x00, 0x01, 0x00, 0x01, (byte)'a'], ReasonCode.MalformedPacket);

    [Fact]
    public void Subscribe_with_remaining_length_ending_inside_a_filter_is_malformed() =>
        DecodeAssert.Fails(Server311, [0x82, 0x05, 0x00, 0x01, 0x00, 0x03, (byte)'a'], ReasonCode.MalformedPacket);

    [Fact]
    public void Subscribe_with_a_stray_byte_after_the_last_subscription_is_malformed() =>
        DecodeAssert.Fails(Server311, [0x82, 0x07, 0x00, 0x01, 0x00, 0x01, (byte)'a', 0x01, 0x00], ReasonCode.MalformedPacket);

    [Fact]
    public void Subscribe_with_remaining_length_ending_inside_the_packet_id_is_malformed() =>
        DecodeAssert.Fails(Server311, [0x82, 0x01, 0x00], ReasonCode.MalformedPacket);

    [Fact]
    public void Unsubscribe_with_remaining_length_ending_inside_a_filter_is_malformed() =>
        DecodeAssert.Fails(Server311, [0xA2, 0x06, 0x00, 0x01, 0x00, 0x01, (byte)'a', 0x00], ReasonCode.MalformedPacket);

    [Fact]
    public void Suback_5_0_with_a_property_length_past_the_remaining_length_is_malformed() =>
        DecodeAssert.Fails(Client5, [0x90, 0x04, 0x00, 0x01, 0x04, 0x00], ReasonCode.MalformedPacket);

    [Fact]
    public void Unsuback_3_1_1_with_remaining_length_3_is_malformed() =>
        DecodeAssert.Fails(Client311, [0xB0, 0x03, 0x00, 0x01, 0x00], ReasonCode.MalformedPacket);

    [Fact]
    public void Unsuback_with_remaining_length_1_is_malformed() =>
        DecodeAssert.Fails(Client311, [0xB0, 0x01, 0x00], ReasonCode.MalformedPacket);

    [Fact]
    public void Pingreq_with_remaining_length_1_is_malformed() =>
        DecodeAssert.Fails(Server311, [0xC0, 0x01, 0x00], ReasonCode.MalformedPacket);

    [Fact]
    public void Pingresp_with_remaining_length_1_is_malformed() =>
        DecodeAssert.Fails(Client5, [0xD0, 0x01, 0x00], ReasonCode.MalformedPacket);

    [Fact]
    public void Disconnect_3_1_1_with_remaining_length_1_is_malformed() =>
        DecodeAssert.Fails(Server311, [0xE0, 0x01, 0x00], ReasonCode.MalformedPacket);

    [Fact]
    public void Disconnect_5_0_with_a_byte_after_the_properties_is_malformed() =>
        DecodeAssert.Fails(Server5, [0xE0, 0x03, 0x00, 0x00, 0x00], ReasonCode.MalformedPacket);

    [Fact]
    public void Disconnect_5_0_with_a_property_length_past_the_remaining_length_is_malformed() =>
        DecodeAssert.Fails(Server5, [0xE0, 0x03, 0x00, 0x05, 0x11], ReasonCode.MalformedPacket);

    [Fact]
    public void Auth_with_a_byte_after_the_properties_is_malformed() =>
        DecodeAssert.Fails(Server5, PacketBytes.Packet(0xF0, b => b.Byte(0x18).Properties(p => p.StringProperty(PropertyId.AuthenticationMethod, "m")).Byte(0)), ReasonCode.MalformedPacket);

    [Fact]
    public void Auth_with_remaining_length_ending_inside_the_properties_is_malformed() =>
        DecodeAssert.Fails(Server5, Truncated(0xF0, 5, b => b.Byte(0x18).Properties(p => p.StringProperty(PropertyId.AuthenticationMethod, "method"))), ReasonCode.MalformedPacket);

    /// <summary>A packet whose fixed header announces only the first <paramref name="remainingLength"/> bytes of the body, and holds only them.</summary>
    private static byte[] Truncated(byte firstByte, int remainingLength, Action<PacketBytes> body)
    {
        var full = new PacketBytes();
        body(full);
        Assert.True(remainingLength < full.Length);
        return PacketBytes.Packet(firstByte, remainingLength, b => b.Bytes(full.ToArray()[..remainingLength]));
    }
}
