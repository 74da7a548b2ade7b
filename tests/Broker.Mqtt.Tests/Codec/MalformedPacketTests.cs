using Broker.Mqtt;
using Broker.Mqtt.Codec;
using Broker.Mqtt.Packets;
using Broker.Mqtt.Tests.Codec.Support;

namespace Broker.Mqtt.Tests.Codec;

/// <summary>
/// Packets the specification calls malformed (0x81), and the topic names it calls invalid (0x90), outside
/// the fixed header, the remaining length, UTF-8 and properties, which have their own test classes.
/// </summary>
public sealed class MalformedPacketTests
{
    private static readonly Func<MqttDecoder> Server = () => Decoders.FromClient();

    public static TheoryData<MqttProtocolVersion> Versions3And5 => new(MqttProtocolVersion.V311, MqttProtocolVersion.V500);

    [Theory]
    [InlineData(MqttProtocolVersion.V311, "a/+")]
    [InlineData(MqttProtocolVersion.V311, "a/#")]
    [InlineData(MqttProtocolVersion.V311, "#")]
    [InlineData(MqttProtocolVersion.V311, "+")]
    [InlineData(MqttProtocolVersion.V500, "sport/tennis+")]
    [InlineData(MqttProtocolVersion.V500, "a#b")]
    public void Publish_with_wildcard_in_topic_is_topic_name_invalid(MqttProtocolVersion version, string topic)
    {
        var bytes = PacketBytes.Packet(0x30, b =>
        {
            b.String(topic);
            if (version == MqttProtocolVersion.V500)
            {
                b.Properties();
            }
        });

        var error = DecodeAssert.Fails(() => Decoders.FromClient(version), bytes, ReasonCode.TopicNameInvalid);

        Assert.Equal(PacketType.Publish, error.PacketType);
    }

    [Fact]
    public void Publish_with_wildcard_in_topic_is_topic_name_invalid_even_after_a_valid_topic_was_cached()
    {
        var decoder = Decoders.FromClient(MqttProtocolVersion.V311);
        DecodeAssert.Decodes<PublishPacket>(decoder, PacketBytes.Packet(0x30, b => b.String("a/b")));

        DecodeAssert.Fails(() => decoder, PacketBytes.Packet(0x30, b => b.String("a/+")), ReasonCode.TopicNameInvalid);
    }

    [Theory]
    [InlineData("w/+")]
    [InlineData("#")]
    [InlineData("")]
    public void MQTT_3_1_3_11_will_topic_with_wildcard_or_empty_is_topic_name_invalid(string topic) =>
        DecodeAssert.Fails(Server, PacketBytes.Packet(0x10, b => b.ConnectHeader(MqttProtocolVersion.V311, 0x06).String("c").String(topic).Binary(1)), ReasonCode.TopicNameInvalid);

    [Theory]
    [MemberData(nameof(Versions3And5))]
    public void MQTT_3_3_1_4_publish_qos_3_is_malformed(MqttProtocolVersion version) =>
        DecodeAssert.Fails(() => Decoders.FromClient(version), PacketBytes.Packet(0x36, b => b.String("t").UInt16(1).Byte(0)), ReasonCode.MalformedPacket);

    [Theory]
    [MemberData(nameof(Versions3And5))]
    public void MQTT_3_3_1_2_publish_with_dup_at_qos_0_is_malformed(MqttProtocolVersion version) =>
        DecodeAssert.Fails(() => Decoders.FromClient(version), PacketBytes.Packet(0x38, b => b.String("t").Byte(0)), ReasonCode.MalformedPacket);

    public static TheoryData<MqttProtocolVersion, string> MalformedFilters()
    {
        string[] filters =
        [
            "a/#/b", "a+", "#/a", "a/b#", "", "sport/tennis#", "sport+", "a/++", "##", "+#", "$share/", "$share/g",
            "$share/g+/x", "$share/g#/x", "$share//x", "$share/g/", "$share/g/a/#/b", "$queue/", "$queue/a#",
        ];
        var data = new TheoryData<MqttProtocolVersion, string>();
        foreach (var filter in filters)
        {
            data.Add(MqttProtocolVersion.V311, filter);
            data.Add(MqttProtocolVersion.V500, filter);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(MalformedFilters))]
    public void Subscribe_with_malformed_topic_filter_is_malformed(MqttProtocolVersion version, string filter) =>
        DecodeAssert.Fails(() => Decoders.FromClient(version), SamplePackets.Subscribe(version, filter, 0x01), ReasonCode.MalformedPacket);

    [Theory]
    [MemberData(nameof(MalformedFilters))]
    public void Unsubscribe_with_malformed_topic_filter_is_malformed(MqttProtocolVersion version, string filter) =>
        DecodeAssert.Fails(() => Decoders.FromClient(version), SamplePackets.Unsubscribe(version, filter), ReasonCode.MalformedPacket);

    [Fact]
    public void MQTT_3_8_3_4_subscribe_3_1_1_with_qos_3_is_malformed() =>
        DecodeAssert.Fails(() => Decoders.FromClient(MqttProtocolVersion.V311), SamplePackets.Subscribe(MqttProtocolVersion.V311, "a", 0x03), ReasonCode.MalformedPacket);

    [Theory]
    [InlineData(0x04)]
    [InlineData(0x08)]
    [InlineData(0x10)]
    [InlineData(0x40)]
    [InlineData(0x80)]
    public void MQTT_3_8_3_4_subscribe_3_1_1_with_reserved_option_bits_is_malformed(byte options) =>
        DecodeAssert.Fails(() => Decoders.FromClient(MqttProtocolVersion.V311), SamplePackets.Subscribe(MqttProtocolVersion.V311, "a", options), ReasonCode.MalformedPacket);

    [Theory]
    [InlineData(0x41)]
    [InlineData(0x80)]
    [InlineData(0xC2)]
    public void MQTT_3_8_3_5_subscribe_5_0_with_reserved_option_bits_6_7_is_malformed(byte options) =>
        DecodeAssert.Fails(() => Decoders.FromClient(MqttProtocolVersion.V500), SamplePackets.Subscribe(MqttProtocolVersion.V500, "a", options), ReasonCode.MalformedPacket);

    [Theory]
    [InlineData(MqttProtocolVersion.V310)]
    [InlineData(MqttProtocolVersion.V311)]
    [InlineData(MqttProtocolVersion.V500)]
    public void MQTT_3_1_2_3_connect_with_the_reserved_flag_set_is_malformed(MqttProtocolVersion version) =>
        DecodeAssert.Fails(Server, ConnectWithFlags(version, 0x03), ReasonCode.MalformedPacket);

    [Theory]
    [MemberData(nameof(Versions3And5))]
    public void MQTT_3_1_2_12_connect_with_will_qos_3_is_malformed(MqttProtocolVersion version) =>
        DecodeAssert.Fails(Server, ConnectWithFlags(version, 0x1E, will: true), ReasonCode.MalformedPacket);

    [Theory]
    [MemberData(nameof(Versions3And5))]
    public void MQTT_3_1_2_11_connect_with_will_qos_but_no_will_flag_is_malformed(MqttProtocolVersion version) =>
        DecodeAssert.Fails(Server, ConnectWithFlags(version, 0x0A), ReasonCode.MalformedPacket);

    [Theory]
    [MemberData(nameof(Versions3And5))]
    public void MQTT_3_1_2_13_connect_with_will_retain_but_no_will_flag_is_malformed(MqttProtocolVersion version) =>
        DecodeAssert.Fails(Server, ConnectWithFlags(version, 0x22), ReasonCode.MalformedPacket);

    [Theory]
    [InlineData(MqttProtocolVersion.V310)]
    [InlineData(MqttProtocolVersion.V311)]
    public void MQTT_3_1_2_22_connect_3_1_1_with_password_but_no_user_name_is_malformed(MqttProtocolVersion version) =>
        DecodeAssert.Fails(Server, PacketBytes.Packet(0x10, b => b.ConnectHeader(version, 0x42).String("c").Binary(1, 2)), ReasonCode.MalformedPacket);

    [Fact]
    public void Connect_5_0_with_password_but_no_user_name_decodes()
    {
        // 5.0 section 3.1.2.9 dropped the 3.1.1 rule: a password may come without a user name.
        var bytes = PacketBytes.Packet(0x10, b => b.ConnectHeader(MqttProtocolVersion.V500, 0x42).Properties().String("c").Binary(1, 2));

        var connect = DecodeAssert.Decodes<ConnectPacket>(Decoders.FromClient(), bytes);

        Assert.Null(connect.UserName);
        Assert.Equal([1, 2], connect.Password?.ToArray());
    }

    [Theory]
    [InlineData(0x04, 0x40)] // PUBACK: 0x04 is a DISCONNECT code
    [InlineData(0x01, 0x40)]
    [InlineData(0x92, 0x40)] // PUBACK may not say "packet identifier not found"
    [InlineData(0x92, 0x50)] // nor PUBREC
    [InlineData(0x10, 0x62)] // PUBREL knows only 0x00 and 0x92
    [InlineData(0x80, 0x62)]
    [InlineData(0x91, 0x70)] // PUBCOMP likewise
    public void Publish_acknowledgement_with_a_reason_code_it_may_not_carry_is_malformed(byte reason, byte firstByte) =>
        DecodeAssert.Fails(() => Decoders.FromClient(MqttProtocolVersion.V500), [firstByte, 0x03, 0x00, 0x01, reason], ReasonCode.MalformedPacket);

    [Theory]
    [InlineData(0x01)]
    [InlineData(0x04)]
    [InlineData(0x8E)] // Session taken over is a DISCONNECT code
    public void Connack_5_0_with_a_reason_code_it_may_not_carry_is_malformed(byte reason) =>
        DecodeAssert.Fails(() => Decoders.FromServer(MqttProtocolVersion.V500), [0x20, 0x03, 0x00, reason, 0x00], ReasonCode.MalformedPacket);

    [Theory]
    [InlineData(0x06)]
    [InlineData(0x80)]
    [InlineData(0xFF)]
    public void Connack_3_1_1_with_a_reserved_return_code_is_malformed(byte returnCode) =>
        DecodeAssert.Fails(() => Decoders.FromServer(MqttProtocolVersion.V311), [0x20, 0x02, 0x00, returnCode], ReasonCode.MalformedPacket);

    [Theory]
    [MemberData(nameof(Versions3And5))]
    public void MQTT_3_2_2_1_connack_with_reserved_acknowledge_flags_is_malformed(MqttProtocolVersion version)
    {
        byte[] bytes = version == MqttProtocolVersion.V500 ? [0x20, 0x03, 0x02, 0x00, 0x00] : [0x20, 0x02, 0x80, 0x00];

        DecodeAssert.Fails(() => Decoders.FromServer(version), bytes, ReasonCode.MalformedPacket);
    }

    [Theory]
    [InlineData(0x03)]
    [InlineData(0x81)]
    [InlineData(0x8F)] // a 5.0 failure code: 3.1.1 knows only 0x80
    public void Suback_3_1_1_with_a_reserved_return_code_is_malformed(byte code) =>
        DecodeAssert.Fails(() => Decoders.FromServer(MqttProtocolVersion.V311), [0x90, 0x03, 0x00, 0x01, code], ReasonCode.MalformedPacket);

    [Theory]
    [InlineData(0x03)]
    [InlineData(0x04)]
    [InlineData(0x11)]
    public void Suback_5_0_with_a_reason_code_it_may_not_carry_is_malformed(byte code) =>
        DecodeAssert.Fails(() => Decoders.FromServer(MqttProtocolVersion.V500), [0x90, 0x04, 0x00, 0x01, 0x00, code], ReasonCode.MalformedPacket);

    [Theory]
    [InlineData(0x01)]
    [InlineData(0x02)]
    public void Unsuback_5_0_with_a_reason_code_it_may_not_carry_is_malformed(byte code) =>
        DecodeAssert.Fails(() => Decoders.FromServer(MqttProtocolVersion.V500), [0xB0, 0x04, 0x00, 0x01, 0x00, code], ReasonCode.MalformedPacket);

    [Theory]
    [InlineData(0x01)]
    [InlineData(0x18)]
    [InlineData(0x84)]
    public void Disconnect_5_0_with_a_reason_code_it_may_not_carry_is_malformed(byte code) =>
        DecodeAssert.Fails(() => Decoders.FromClient(MqttProtocolVersion.V500), [0xE0, 0x01, code], ReasonCode.MalformedPacket);

    [Theory]
    [InlineData(0x01)]
    [InlineData(0x04)]
    [InlineData(0x80)]
    public void Auth_with_a_reason_code_it_may_not_carry_is_malformed(byte code) =>
        DecodeAssert.Fails(() => Decoders.FromClient(MqttProtocolVersion.V500), [0xF0, 0x01, code], ReasonCode.MalformedPacket);

    /// <summary>A CONNECT with the given flags and the payload fields they announce (user name and password from bits 7-6).</summary>
    private static byte[] ConnectWithFlags(MqttProtocolVersion version, byte flags, bool will = false) =>
        PacketBytes.Packet(0x10, b =>
        {
            b.ConnectHeader(version, flags);
            if (version == MqttProtocolVersion.V500)
            {
                b.Properties();
            }

            b.String("c");
            if (will)
            {
                if (version == MqttProtocolVersion.V500)
                {
                    b.Properties();
                }

                b.String("w").Binary(1);
            }
        });
}
