using Broker.Mqtt;
using Broker.Mqtt.Codec;
using Broker.Mqtt.Packets;
using Broker.Mqtt.Properties;
using Broker.Mqtt.Tests.Codec.Support;

namespace Broker.Mqtt.Tests.Codec;

/// <summary>
/// Well-formed packets that break a rule of the protocol (0x82), that ask for a protocol the broker does
/// not speak (0x84), or that come from the wrong side of the connection.
/// </summary>
public sealed class ProtocolErrorTests
{
    private static readonly Func<MqttDecoder> Server = () => Decoders.FromClient();

    public static TheoryData<MqttProtocolVersion> Versions3And5 => new(MqttProtocolVersion.V311, MqttProtocolVersion.V500);

    [Theory]
    [InlineData(MqttProtocolVersion.V311, 0x32)]
    [InlineData(MqttProtocolVersion.V311, 0x34)]
    [InlineData(MqttProtocolVersion.V500, 0x32)]
    [InlineData(MqttProtocolVersion.V500, 0x3D)]
    public void MQTT_2_2_1_3_publish_qos_1_or_2_with_packet_id_0_is_a_protocol_error(MqttProtocolVersion version, byte firstByte)
    {
        var bytes = PacketBytes.Packet(firstByte, b =>
        {
            b.String("t").UInt16(0);
            if (version == MqttProtocolVersion.V500)
            {
                b.Properties();
            }
        });

        DecodeAssert.Fails(() => Decoders.FromClient(version), bytes, ReasonCode.ProtocolError);
    }

    [Theory]
    [InlineData(MqttProtocolVersion.V311, PeerRole.Client, 0x40)]
    [InlineData(MqttProtocolVersion.V311, PeerRole.Server, 0x50)]
    [InlineData(MqttProtocolVersion.V311, PeerRole.Client, 0x62)]
    [InlineData(MqttProtocolVersion.V311, PeerRole.Server, 0x70)]
    [InlineData(MqttProtocolVersion.V500, PeerRole.Server, 0x40)]
    [InlineData(MqttProtocolVersion.V500, PeerRole.Client, 0x50)]
    [InlineData(MqttProtocolVersion.V500, PeerRole.Server, 0x62)]
    [InlineData(MqttProtocolVersion.V500, PeerRole.Client, 0x70)]
    public void Publish_acknowledgement_with_packet_id_0_is_a_protocol_error(MqttProtocolVersion version, PeerRole sender, byte firstByte) =>
        DecodeAssert.Fails(() => Decoders.From(sender, version), [firstByte, 0x02, 0x00, 0x00], ReasonCode.ProtocolError);

    [Theory]
    [MemberData(nameof(Versions3And5))]
    public void Subscribe_with_packet_id_0_is_a_protocol_error(MqttProtocolVersion version)
    {
        var bytes = SamplePackets.Subscribe(version, "a", 0x01);
        bytes[3] = 0x00; // packet identifier 0x0001 -> 0x0000

        DecodeAssert.Fails(() => Decoders.FromClient(version), bytes, ReasonCode.ProtocolError);
    }

    [Theory]
    [MemberData(nameof(Versions3And5))]
    public void Unsubscribe_with_packet_id_0_is_a_protocol_error(MqttProtocolVersion version)
    {
        var bytes = SamplePackets.Unsubscribe(version, "a");
        bytes[3] = 0x00;

        DecodeAssert.Fails(() => Decoders.FromClient(version), bytes, ReasonCode.ProtocolError);
    }

    [Fact]
    public void Suback_with_packet_id_0_is_a_protocol_error() =>
        DecodeAssert.Fails(() => Decoders.FromServer(MqttProtocolVersion.V311), [0x90, 0x03, 0x00, 0x00, 0x01], ReasonCode.ProtocolError);

    [Fact]
    public void Unsuback_with_packet_id_0_is_a_protocol_error() =>
        DecodeAssert.Fails(() => Decoders.FromServer(MqttProtocolVersion.V311), [0xB0, 0x02, 0x00, 0x00], ReasonCode.ProtocolError);

    [Fact]
    public void MQTT_3_8_3_3_subscribe_3_1_1_without_a_subscription_is_a_protocol_error() =>
        DecodeAssert.Fails(() => Decoders.FromClient(MqttProtocolVersion.V311), [0x82, 0x02, 0x00, 0x01], ReasonCode.ProtocolError);

    [Fact]
    public void MQTT_3_8_3_2_subscribe_5_0_without_a_subscription_is_a_protocol_error() =>
        DecodeAssert.Fails(() => Decoders.FromClient(MqttProtocolVersion.V500), [0x82, 0x03, 0x00, 0x01, 0x00], ReasonCode.ProtocolError);

    [Fact]
    public void MQTT_3_10_3_2_unsubscribe_3_1_1_without_a_filter_is_a_protocol_error() =>
        DecodeAssert.Fails(() => Decoders.FromClient(MqttProtocolVersion.V311), [0xA2, 0x02, 0x00, 0x01], ReasonCode.ProtocolError);

    [Fact]
    public void MQTT_3_10_3_2_unsubscribe_5_0_without_a_filter_is_a_protocol_error() =>
        DecodeAssert.Fails(() => Decoders.FromClient(MqttProtocolVersion.V500), [0xA2, 0x03, 0x00, 0x01, 0x00], ReasonCode.ProtocolError);

    [Theory]
    [InlineData("MQTT", 6)]
    [InlineData("MQTT", 3)]
    [InlineData("MQTT", 0)]
    [InlineData("MQTT", 0x84)]
    [InlineData("MQIsdp", 4)]
    [InlineData("MQIsdp", 5)]
    [InlineData("MQTX", 4)]
    [InlineData("mqtt", 5)]
    [InlineData("", 4)]
    [InlineData("MQTTMQTT", 4)]
    [InlineData("MQTT\u00e9", 4)]
    public void MQTT_3_1_2_1_connect_with_unknown_protocol_name_or_level_is_unsupported_protocol_version(string name, byte level)
    {
        var bytes = PacketBytes.Packet(0x10, b => b.String(name).Byte(level).Byte(0x02).UInt16(60).String("c"));
        MqttDecoder? last = null;

        DecodeAssert.Fails(() => last = Decoders.FromClient(), bytes, ReasonCode.UnsupportedProtocolVersion);

        // The channel answers with a CONNACK in the format it can: the level stays unknown.
        Assert.Equal(MqttProtocolVersion.Unknown, last!.ProtocolVersion);
    }

    [Fact]
    public void Connect_5_0_that_fails_after_its_protocol_level_still_sets_the_decoders_level()
    {
        MqttDecoder? last = null;
        var bytes = SamplePackets.Connect5(p => p.UInt16Property(PropertyId.TopicAlias, 1));

        DecodeAssert.Fails(() => last = Decoders.FromClient(), bytes, ReasonCode.MalformedPacket);

        Assert.Equal(MqttProtocolVersion.V500, last!.ProtocolVersion);
    }

    [Theory]
    [InlineData(new byte[] { 0xC0, 0x00 })] // PINGREQ
    [InlineData(new byte[] { 0x30, 0x03, 0x00, 0x01, (byte)'t' })] // PUBLISH
    [InlineData(new byte[] { 0x82, 0x06, 0x00, 0x01, 0x00, 0x01, (byte)'a', 0x00 })] // SUBSCRIBE
    [InlineData(new byte[] { 0xE0, 0x00 })] // DISCONNECT
    public void MQTT_3_1_0_1_first_packet_other_than_connect_is_a_protocol_error(byte[] bytes) =>
        DecodeAssert.Fails(Server, bytes, ReasonCode.ProtocolError);

    [Theory]
    [InlineData(MqttProtocolVersion.V311, new byte[] { 0x20, 0x02, 0x00, 0x00 })] // CONNACK
    [InlineData(MqttProtocolVersion.V500, new byte[] { 0x20, 0x03, 0x00, 0x00, 0x00 })]
    [InlineData(MqttProtocolVersion.V311, new byte[] { 0x90, 0x03, 0x00, 0x01, 0x00 })] // SUBACK
    [InlineData(MqttProtocolVersion.V311, new byte[] { 0xB0, 0x02, 0x00, 0x01 })] // UNSUBACK
    [InlineData(MqttProtocolVersion.V500, new byte[] { 0xD0, 0x00 })] // PINGRESP
    public void Packet_only_a_server_sends_coming_from_a_client_is_a_protocol_error(MqttProtocolVersion version, byte[] bytes) =>
        DecodeAssert.Fails(() => Decoders.FromClient(version), bytes, ReasonCode.ProtocolError);

    [Theory]
    [InlineData(MqttProtocolVersion.V311, "CONNECT minimal")]
    [InlineData(MqttProtocolVersion.V500, "CONNECT with every field")]
    [InlineData(MqttProtocolVersion.V311, "SUBSCRIBE")]
    [InlineData(MqttProtocolVersion.V500, "UNSUBSCRIBE")]
    [InlineData(MqttProtocolVersion.V311, "PINGREQ")]
    [InlineData(MqttProtocolVersion.V311, "DISCONNECT")] // a 3.x server closes the connection instead
    public void Packet_only_a_client_sends_coming_from_a_server_is_a_protocol_error(MqttProtocolVersion version, string name)
    {
        var bytes = Wire.Encode(PacketCatalog.Get(version, name).Packet, version);

        DecodeAssert.Fails(() => Decoders.FromServer(version), bytes, ReasonCode.ProtocolError);
    }

    [Fact]
    public void Decoder_of_a_client_without_a_protocol_level_refuses_the_servers_packets()
    {
        // The client must set the level it asked for before reading CONNACK.
        DecodeAssert.Fails(() => Decoders.FromServer(MqttProtocolVersion.Unknown), [0x20, 0x02, 0x00, 0x00], ReasonCode.ProtocolError);
    }

    [Fact]
    public void MQTT_3_3_4_6_client_publish_with_a_subscription_identifier_is_a_protocol_error() =>
        DecodeAssert.Fails(
            () => Decoders.FromClient(MqttProtocolVersion.V500),
            SamplePackets.Publish5(p => p.VariableByteIntegerProperty(PropertyId.SubscriptionIdentifier, 5)),
            ReasonCode.ProtocolError);

    [Theory]
    [InlineData("$share/group/a")]
    [InlineData("$share/group/#")]
    [InlineData("$queue/a")]
    public void MQTT_3_8_3_4_no_local_on_a_shared_subscription_is_a_protocol_error(string filter) =>
        DecodeAssert.Fails(() => Decoders.FromClient(MqttProtocolVersion.V500), SamplePackets.Subscribe(MqttProtocolVersion.V500, filter, 0x05), ReasonCode.ProtocolError);

    [Fact]
    public void No_local_on_a_plain_subscription_decodes()
    {
        var subscribe = DecodeAssert.Decodes<SubscribePacket>(Decoders.FromClient(MqttProtocolVersion.V500), SamplePackets.Subscribe(MqttProtocolVersion.V500, "share/group/a", 0x05));

        Assert.True(subscribe.Subscriptions[0].Options.NoLocal);
    }

    [Theory]
    [InlineData(0x30)]
    [InlineData(0x31)]
    [InlineData(0x3E)]
    public void MQTT_3_8_3_1_subscribe_with_retain_handling_3_is_a_protocol_error(byte options) =>
        DecodeAssert.Fails(() => Decoders.FromClient(MqttProtocolVersion.V500), SamplePackets.Subscribe(MqttProtocolVersion.V500, "a", options), ReasonCode.ProtocolError);

    [Fact]
    public void MQTT_3_8_3_1_subscribe_5_0_with_maximum_qos_3_is_a_protocol_error() =>
        // 5.0 section 3.8.3.1: "It is a Protocol Error if the Maximum QoS field has the value 3."
        // (3.1.1 calls the same bits malformed: see MalformedPacketTests.)
        DecodeAssert.Fails(() => Decoders.FromClient(MqttProtocolVersion.V500), SamplePackets.Subscribe(MqttProtocolVersion.V500, "a", 0x03), ReasonCode.ProtocolError);

    [Theory]
    [MemberData(nameof(Versions3And5))]
    public void Publish_with_an_empty_topic_and_no_topic_alias_is_a_protocol_error(MqttProtocolVersion version)
    {
        var bytes = PacketBytes.Packet(0x30, b =>
        {
            b.String("");
            if (version == MqttProtocolVersion.V500)
            {
                b.Properties(p => p.UserProperty("k", "v"));
            }

            b.Byte(1);
        });

        DecodeAssert.Fails(() => Decoders.FromClient(version), bytes, ReasonCode.ProtocolError);
    }

    [Fact]
    public void Publish_with_an_empty_topic_and_a_topic_alias_decodes()
    {
        var bytes = PacketBytes.Packet(0x30, b => b.String("").Properties(p => p.UInt16Property(PropertyId.TopicAlias, 5)).Byte(1));

        var publish = DecodeAssert.Decodes<PublishPacket>(Decoders.FromClient(MqttProtocolVersion.V500), bytes);

        Assert.Equal("", publish.Topic);
        Assert.Equal((ushort)5, publish.Properties.TopicAlias);
    }

    [Theory]
    [InlineData(MqttProtocolVersion.V311, new byte[] { 0x20, 0x02, 0x01, 0x05 })]
    [InlineData(MqttProtocolVersion.V500, new byte[] { 0x20, 0x03, 0x01, 0x87, 0x00 })]
    public void MQTT_3_2_2_6_connack_with_session_present_on_a_refused_connection_is_a_protocol_error(MqttProtocolVersion version, byte[] bytes) =>
        DecodeAssert.Fails(() => Decoders.FromServer(version), bytes, ReasonCode.ProtocolError);

    [Fact]
    public void MQTT_3_14_2_2_server_disconnect_with_a_session_expiry_interval_is_a_protocol_error() =>
        DecodeAssert.Fails(
            () => Decoders.FromServer(MqttProtocolVersion.V500),
            SamplePackets.Disconnect5(p => p.UInt32Property(PropertyId.SessionExpiryInterval, 1)),
            ReasonCode.ProtocolError);

    [Fact]
    public void Client_disconnect_with_a_session_expiry_interval_decodes()
    {
        var disconnect = DecodeAssert.Decodes<DisconnectPacket>(
            Decoders.FromClient(MqttProtocolVersion.V500),
            SamplePackets.Disconnect5(p => p.UInt32Property(PropertyId.SessionExpiryInterval, 1)));

        Assert.Equal(1u, disconnect.Properties.SessionExpiryInterval);
    }

    [Theory]
    [InlineData(0x18)]
    [InlineData(0x19)]
    public void MQTT_3_15_2_2_2_auth_without_an_authentication_method_is_a_protocol_error(byte reason) =>
        // 5.0 section 3.15.2.2.2: "It is a Protocol Error to omit the Authentication Method or to include it
        // more than once." (Only the remaining-length-0 form of 3.15.2.1, reason 0x00 and no properties, has none.)
        DecodeAssert.Fails(
            () => Decoders.FromClient(MqttProtocolVersion.V500),
            SamplePackets.Auth(reason, p => p.StringProperty(PropertyId.ReasonString, "r").BinaryProperty(PropertyId.AuthenticationData, 1)),
            ReasonCode.ProtocolError);
}
