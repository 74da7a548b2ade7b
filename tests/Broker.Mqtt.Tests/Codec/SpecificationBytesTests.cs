using System.Buffers;
using System.Text;
using Broker.Mqtt;
using Broker.Mqtt.Codec;
using Broker.Mqtt.Packets;
using Broker.Mqtt.Properties;
using Broker.Mqtt.Tests.Codec.Support;

namespace Broker.Mqtt.Tests.Codec;

/// <summary>The byte sequences printed in the MQTT 3.1.1 and 5.0 specifications, decoded and encoded.</summary>
public sealed class SpecificationBytesTests
{
    // 3.1.1 figure 3.6 (section 3.1.2.10) and 5.0 figure 3-6: protocol name "MQTT", level, connect flags
    // 0xCE (user name, password, will QoS 1, will flag, clean session), keep alive 10.
    private static readonly byte[] ConnectVariableHeader311 = [0x00, 0x04, (byte)'M', (byte)'Q', (byte)'T', (byte)'T', 0x04, 0xCE, 0x00, 0x0A];

    [Fact]
    public void MQTT_3_1_1_section_3_1_2_10_connect_variable_header_example_decodes()
    {
        var bytes = PacketBytes.Packet(0x10, b => b
            .Bytes(ConnectVariableHeader311)
            .String("id").String("will/topic").Binary((byte)'b', (byte)'y', (byte)'e').String("user").Binary((byte)'p', (byte)'w'));

        var connect = DecodeAssert.Decodes<ConnectPacket>(Decoders.FromClient(), bytes);

        Assert.Equal(MqttProtocolVersion.V311, connect.ProtocolVersion);
        Assert.True(connect.CleanStart);
        Assert.Equal(10, connect.KeepAlive);
        Assert.Equal("id", connect.ClientId);
        Assert.NotNull(connect.Will);
        Assert.Equal(QualityOfService.AtLeastOnce, connect.Will.QoS);
        Assert.False(connect.Will.Retain);
        Assert.Equal("will/topic", connect.Will.Topic);
        Assert.Equal("bye"u8.ToArray(), connect.Will.Payload.ToArray());
        Assert.Equal("user", connect.UserName);
        Assert.Equal("pw"u8.ToArray(), connect.Password?.ToArray());
    }

    [Fact]
    public void MQTT_3_1_1_section_3_1_2_10_connect_variable_header_example_is_what_the_encoder_writes()
    {
        var connect = new ConnectPacket
        {
            CleanStart = true,
            KeepAlive = 10,
            ClientId = "id",
            Will = new WillMessage { Topic = "t", QoS = QualityOfService.AtLeastOnce },
            UserName = "user",
            Password = "pw"u8.ToArray(),
        };

        var bytes = Wire.Encode(connect, MqttProtocolVersion.V311);

        Assert.Equal(ConnectVariableHeader311, bytes[2..12]);
    }

    [Fact]
    public void MQTT_5_0_section_3_1_2_11_connect_variable_header_example_with_session_expiry_10_decodes()
    {
        // 5.0 figure 3-6 adds the property section: length 5, Session Expiry Interval (17) = 10.
        byte[] variableHeader = [0x00, 0x04, (byte)'M', (byte)'Q', (byte)'T', (byte)'T', 0x05, 0xCE, 0x00, 0x0A, 0x05, 0x11, 0x00, 0x00, 0x00, 0x0A];
        var bytes = PacketBytes.Packet(0x10, b => b
            .Bytes(variableHeader)
            .String("id").Properties().String("w").Binary().String("user").Binary((byte)'p'));

        var connect = DecodeAssert.Decodes<ConnectPacket>(Decoders.FromClient(), bytes);

        Assert.Equal(MqttProtocolVersion.V500, connect.ProtocolVersion);
        Assert.Equal(10u, connect.Properties.SessionExpiryInterval);
        Assert.Equal(10, connect.KeepAlive);
        Assert.Equal(QualityOfService.AtLeastOnce, connect.Will?.QoS);

        var encoded = Wire.Encode(connect, MqttProtocolVersion.V500);
        Assert.Equal(variableHeader, encoded[2..18]);
    }

    /// <summary>3.1.1 table 2.4 and 5.0 section 1.5.5: the boundaries of each Variable Byte Integer length.</summary>
    public static TheoryData<int, byte[]> RemainingLengthTable => new()
    {
        { 0, [0x00] },
        { 127, [0x7F] },
        { 128, [0x80, 0x01] },
        { 16_383, [0xFF, 0x7F] },
        { 16_384, [0x80, 0x80, 0x01] },
        { 2_097_151, [0xFF, 0xFF, 0x7F] },
        { 2_097_152, [0x80, 0x80, 0x80, 0x01] },
        { 268_435_455, [0xFF, 0xFF, 0xFF, 0x7F] },
    };

    [Theory]
    [MemberData(nameof(RemainingLengthTable))]
    public void MQTT_2_2_3_remaining_length_table_value_is_written_as_the_table_says(int value, byte[] encoding)
    {
        var output = new ArrayBufferWriter<byte>();
        var writer = new PacketWriter(output, 4);
        writer.WriteVariableByteInteger(value);
        writer.Commit();

        Assert.Equal(encoding, output.WrittenSpan.ToArray());
        Assert.Equal(encoding.Length, WireSize.VariableByteInteger(value));
    }

    [Theory]
    [MemberData(nameof(RemainingLengthTable))]
    public void MQTT_2_2_3_remaining_length_table_bytes_read_as_the_table_says(int value, byte[] encoding)
    {
        byte[] header = [0x30, .. encoding];

        Assert.True(FixedHeader.TryRead(Segments.Single(header), out var single));
        Assert.True(FixedHeader.TryRead(Segments.OneBytePerSegment(header), out var split));

        Assert.Equal(new FixedHeader(PacketType.Publish, 0, value, 1 + encoding.Length), single);
        Assert.Equal(single, split);
        for (var length = 0; length < header.Length; length++)
        {
            Assert.False(FixedHeader.TryRead(Segments.Single(header[..length]), out _));
        }
    }

    [Theory]
    [MemberData(nameof(RemainingLengthTable))]
    public void MQTT_2_2_3_remaining_length_table_header_alone_leaves_the_decoder_waiting_for_the_body(int value, byte[] encoding)
    {
        if (value == 0)
        {
            Assert.Same(PingReqPacket.Instance, DecodeAssert.Decodes<PingReqPacket>(Decoders.FromClient(MqttProtocolVersion.V311), [0xC0, .. encoding]));
            return;
        }

        ReadOnlySequence<byte> buffer = new([0x30, .. encoding]);
        var status = Decoders.FromClient(MqttProtocolVersion.V311).TryDecode(ref buffer, out _, out _);

        Assert.Equal(DecodeStatus.Incomplete, status);
        Assert.Equal(1 + encoding.Length, buffer.Length);
    }

    [Theory]
    [InlineData(127)]
    [InlineData(128)]
    [InlineData(16_383)]
    [InlineData(16_384)]
    [InlineData(2_097_151)]
    [InlineData(2_097_152)]
    public void MQTT_2_2_3_publish_with_remaining_length_at_a_table_boundary_round_trips(int remainingLength)
    {
        // Topic "t" (3 bytes) and no packet identifier at QoS 0: the payload makes up the rest.
        var payload = new byte[remainingLength - 3];
        payload.AsSpan().Fill(0xA5);
        var packet = new PublishPacket { Topic = "t", Payload = new ReadOnlySequence<byte>(payload) };

        var bytes = Wire.Encode(packet, MqttProtocolVersion.V311);

        var expectedHeader = RemainingLengthTable.Single(row => (int)row[0] == remainingLength)[1] as byte[];
        Assert.Equal([0x30, .. expectedHeader!], bytes[..(1 + expectedHeader!.Length)]);
        var decoded = DecodeAssert.Decodes<PublishPacket>(Decoders.FromClient(MqttProtocolVersion.V311), bytes);
        Assert.Equal(payload.Length, decoded.Payload.Length);
    }

    [Theory]
    [InlineData(MqttProtocolVersion.V311, new byte[] { 0x32, 0x07, 0x00, 0x03, (byte)'a', (byte)'/', (byte)'b', 0x00, 0x0A })]
    [InlineData(MqttProtocolVersion.V500, new byte[] { 0x32, 0x08, 0x00, 0x03, (byte)'a', (byte)'/', (byte)'b', 0x00, 0x0A, 0x00 })]
    public void MQTT_3_3_2_3_publish_variable_header_example_topic_a_b_packet_id_10(MqttProtocolVersion version, byte[] bytes)
    {
        // 3.1.1 figure 3.11 and 5.0 figure 3-9 (the 5.0 one adds a property length of 0), empty payload.
        var publish = DecodeAssert.Decodes<PublishPacket>(Decoders.FromClient(version), bytes);

        Assert.Equal("a/b", publish.Topic);
        Assert.Equal(10, publish.PacketId);
        Assert.Equal(QualityOfService.AtLeastOnce, publish.QoS);
        Assert.True(publish.Payload.IsEmpty);
        Assert.Equal(bytes, Wire.Encode(new PublishPacket { Topic = "a/b", PacketId = 10, QoS = QualityOfService.AtLeastOnce }, version));
    }

    [Fact]
    public void MQTT_3_2_connack_accepted_is_20_02_00_00()
    {
        byte[] bytes = [0x20, 0x02, 0x00, 0x00];

        var connAck = DecodeAssert.Decodes<ConnAckPacket>(Decoders.FromServer(MqttProtocolVersion.V311), bytes);

        Assert.Equal(ReasonCode.Success, connAck.ReasonCode);
        Assert.False(connAck.SessionPresent);
        Assert.Equal(bytes, Wire.Encode(new ConnAckPacket(), MqttProtocolVersion.V311));
    }

    [Fact]
    public void MQTT_5_0_connack_success_without_properties_is_20_03_00_00_00()
    {
        byte[] bytes = [0x20, 0x03, 0x01, 0x00, 0x00];

        var connAck = DecodeAssert.Decodes<ConnAckPacket>(Decoders.FromServer(MqttProtocolVersion.V500), bytes);

        Assert.True(connAck.SessionPresent);
        Assert.Same(MqttProperties.Empty, connAck.Properties);
        Assert.Equal(bytes, Wire.Encode(new ConnAckPacket { SessionPresent = true }, MqttProtocolVersion.V500));
    }

    [Theory]
    [InlineData(MqttProtocolVersion.V311)]
    [InlineData(MqttProtocolVersion.V500)]
    public void MQTT_3_12_pingreq_is_C0_00(MqttProtocolVersion version)
    {
        Assert.Same(PingReqPacket.Instance, DecodeAssert.Decodes<PingReqPacket>(Decoders.FromClient(version), [0xC0, 0x00]));
        Assert.Equal([0xC0, 0x00], Wire.Encode(PingReqPacket.Instance, version));
    }

    [Theory]
    [InlineData(MqttProtocolVersion.V311)]
    [InlineData(MqttProtocolVersion.V500)]
    public void MQTT_3_13_pingresp_is_D0_00(MqttProtocolVersion version)
    {
        Assert.Same(PingRespPacket.Instance, DecodeAssert.Decodes<PingRespPacket>(Decoders.FromServer(version), [0xD0, 0x00]));
        Assert.Equal([0xD0, 0x00], Wire.Encode(PingRespPacket.Instance, version));
    }

    [Theory]
    [InlineData(MqttProtocolVersion.V310)]
    [InlineData(MqttProtocolVersion.V311)]
    [InlineData(MqttProtocolVersion.V500)]
    public void MQTT_3_14_disconnect_is_E0_00(MqttProtocolVersion version)
    {
        // On 5.0 a remaining length of 0 means reason 0x00 Normal disconnection and no properties (3.14.2.1).
        var disconnect = DecodeAssert.Decodes<DisconnectPacket>(Decoders.FromClient(version), [0xE0, 0x00]);

        Assert.Same(DisconnectPacket.Normal, disconnect);
        Assert.Equal([0xE0, 0x00], Wire.Encode(DisconnectPacket.Normal, version));
    }

    [Fact]
    public void MQTT_5_0_section_3_14_2_1_disconnect_with_reason_code_only_has_remaining_length_1()
    {
        byte[] bytes = [0xE0, 0x01, 0x04];

        var disconnect = DecodeAssert.Decodes<DisconnectPacket>(Decoders.FromClient(MqttProtocolVersion.V500), bytes);

        Assert.Equal(ReasonCode.DisconnectWithWillMessage, disconnect.ReasonCode);
        Assert.Equal(bytes, Wire.Encode(new DisconnectPacket { ReasonCode = ReasonCode.DisconnectWithWillMessage }, MqttProtocolVersion.V500));
    }

    [Fact]
    public void MQTT_5_0_section_3_15_2_1_auth_success_without_properties_has_remaining_length_0()
    {
        var auth = DecodeAssert.Decodes<AuthPacket>(Decoders.FromServer(MqttProtocolVersion.V500), [0xF0, 0x00]);

        Assert.Equal(ReasonCode.Success, auth.ReasonCode);
        Assert.Same(MqttProperties.Empty, auth.Properties);
        Assert.Equal([0xF0, 0x00], Wire.Encode(new AuthPacket(), MqttProtocolVersion.V500));
    }

    [Theory]
    [InlineData(0x40, 0x02, 0x00, 0x0A)] // PUBACK
    [InlineData(0x50, 0x02, 0x00, 0x0A)] // PUBREC
    [InlineData(0x62, 0x02, 0x00, 0x0A)] // PUBREL: fixed header flags 0b0010
    [InlineData(0x70, 0x02, 0x00, 0x0A)] // PUBCOMP
    public void MQTT_3_4_to_3_7_publish_acknowledgement_is_type_remaining_length_2_and_packet_id(byte first, byte length, byte msb, byte lsb)
    {
        byte[] bytes = [first, length, msb, lsb];
        foreach (var version in new[] { MqttProtocolVersion.V311, MqttProtocolVersion.V500 })
        {
            // On 5.0 remaining length 2 means reason 0x00 Success and no properties (3.4.2.1).
            var ack = DecodeAssert.Decodes<PublishAcknowledgement>(Decoders.FromClient(version), bytes);

            Assert.Equal(10, ack.PacketId);
            Assert.Equal(ReasonCode.Success, ack.ReasonCode);
            Assert.Equal(bytes, Wire.Encode(ack, version));
        }
    }

    [Fact]
    public void MQTT_5_0_section_3_4_2_1_puback_with_reason_code_and_no_properties_has_remaining_length_3()
    {
        byte[] bytes = [0x40, 0x03, 0x00, 0x0A, 0x10];

        var ack = DecodeAssert.Decodes<PubAckPacket>(Decoders.FromServer(MqttProtocolVersion.V500), bytes);

        Assert.Equal(ReasonCode.NoMatchingSubscribers, ack.ReasonCode);
        Assert.Equal(bytes, Wire.Encode(ack, MqttProtocolVersion.V500));
        var withEmptyProperties = DecodeAssert.Decodes<PubAckPacket>(Decoders.FromServer(MqttProtocolVersion.V500), [0x40, 0x04, 0x00, 0x0A, 0x10, 0x00]);
        Assert.Equal(ReasonCode.NoMatchingSubscribers, withEmptyProperties.ReasonCode);
    }

    [Fact]
    public void MQTT_3_1_1_section_3_8_subscribe_example_a_b_qos_1_and_c_d_qos_2_packet_id_10()
    {
        // Figure 3.21 (packet identifier 10) and figure 3.23 (payload).
        byte[] bytes = [0x82, 0x0E, 0x00, 0x0A, 0x00, 0x03, (byte)'a', (byte)'/', (byte)'b', 0x01, 0x00, 0x03, (byte)'c', (byte)'/', (byte)'d', 0x02];

        var subscribe = DecodeAssert.Decodes<SubscribePacket>(Decoders.FromClient(MqttProtocolVersion.V311), bytes);

        Assert.Equal(10, subscribe.PacketId);
        Assert.Equal(
            [new("a/b", new SubscriptionOptions(QualityOfService.AtLeastOnce)), new("c/d", new SubscriptionOptions(QualityOfService.ExactlyOnce))],
            subscribe.Subscriptions);
        Assert.Equal(bytes, Wire.Encode(subscribe, MqttProtocolVersion.V311));
    }

    [Fact]
    public void MQTT_3_1_1_section_3_9_3_suback_example_qos_0_qos_2_failure()
    {
        // Figure 3.26: 0x00 success QoS 0, 0x02 success QoS 2, 0x80 failure.
        byte[] bytes = [0x90, 0x05, 0x00, 0x0A, 0x00, 0x02, 0x80];

        var subAck = DecodeAssert.Decodes<SubAckPacket>(Decoders.FromServer(MqttProtocolVersion.V311), bytes);

        Assert.Equal([ReasonCode.GrantedQoS0, ReasonCode.GrantedQoS2, ReasonCode.UnspecifiedError], subAck.ReasonCodes);
        Assert.Equal(bytes, Wire.Encode(subAck, MqttProtocolVersion.V311));
    }

    [Fact]
    public void MQTT_3_1_1_section_3_10_3_unsubscribe_example_a_b_and_c_d()
    {
        byte[] bytes = [0xA2, 0x0C, 0x00, 0x0A, 0x00, 0x03, (byte)'a', (byte)'/', (byte)'b', 0x00, 0x03, (byte)'c', (byte)'/', (byte)'d'];

        var unsubscribe = DecodeAssert.Decodes<UnsubscribePacket>(Decoders.FromClient(MqttProtocolVersion.V311), bytes);

        Assert.Equal(["a/b", "c/d"], unsubscribe.TopicFilters);
        Assert.Equal(bytes, Wire.Encode(unsubscribe, MqttProtocolVersion.V311));
    }

    [Fact]
    public void MQTT_3_11_unsuback_3_1_1_is_B0_02_and_packet_id()
    {
        byte[] bytes = [0xB0, 0x02, 0x00, 0x0A];

        var unsubAck = DecodeAssert.Decodes<UnsubAckPacket>(Decoders.FromServer(MqttProtocolVersion.V311), bytes);

        Assert.Equal(10, unsubAck.PacketId);
        Assert.Empty(unsubAck.ReasonCodes);
        Assert.Equal(bytes, Wire.Encode(unsubAck, MqttProtocolVersion.V311));
    }

    /// <summary>3.1.1 section 1.5.3 figure 1.3 and 5.0 section 1.5.4 figure 1-1: "A" then U+2A6D4.</summary>
    private static readonly byte[] Utf8Example = [0x00, 0x05, 0x41, 0xF0, 0xAA, 0x9B, 0x94];

    [Fact]
    public void MQTT_1_5_3_utf8_string_example_A_U_2A6D4_decodes_as_a_topic()
    {
        var bytes = PacketBytes.Packet(0x30, b => b.Bytes(Utf8Example).Bytes(0x01));

        var publish = DecodeAssert.Decodes<PublishPacket>(Decoders.FromClient(MqttProtocolVersion.V311), bytes);

        Assert.Equal("A\U0002A6D4", publish.Topic);
        Assert.Equal(bytes, Wire.Encode(publish, MqttProtocolVersion.V311));
    }

    [Fact]
    public void MQTT_1_5_3_utf8_string_example_A_U_2A6D4_decodes_as_a_client_id_whatever_the_segmentation()
    {
        var bytes = PacketBytes.Packet(0x10, b => b.ConnectHeader(MqttProtocolVersion.V311, 0x02).Bytes(Utf8Example));

        for (var cut = 0; cut <= bytes.Length; cut++)
        {
            var connect = Assert.IsType<ConnectPacket>(DecodeAssert.Decodes(Decoders.FromClient(), Segments.Split(bytes, cut)));
            Assert.Equal("A\U0002A6D4", connect.ClientId);
        }

        Assert.Equal("A\U0002A6D4", Encoding.UTF8.GetString(Utf8Example.AsSpan(2)));
    }

    [Fact]
    public void MQTT_1_5_3_3_byte_order_mark_is_kept_not_stripped()
    {
        // [MQTT-1.5.3-3]: 0xEF 0xBB 0xBF is U+FEFF and must not be skipped or stripped by the receiver.
        var bytes = PacketBytes.Packet(0x30, b => b.Binary(0xEF, 0xBB, 0xBF, (byte)'a'));

        var publish = DecodeAssert.Decodes<PublishPacket>(Decoders.FromClient(MqttProtocolVersion.V311), bytes);

        Assert.Equal("\uFEFFa", publish.Topic);
    }
}
