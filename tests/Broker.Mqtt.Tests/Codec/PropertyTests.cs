using Broker.Mqtt;
using Broker.Mqtt.Codec;
using Broker.Mqtt.Packets;
using Broker.Mqtt.Properties;
using Broker.Mqtt.Tests.Codec.Support;
using static Broker.Mqtt.Tests.Codec.Support.SamplePackets;

namespace Broker.Mqtt.Tests.Codec;

/// <summary>
/// The property section of 5.0 (2.2.2): an identifier not defined or not allowed in the packet is malformed
/// (0x81); a property repeated where it may not be, or a value out of its range, is a protocol error (0x82).
/// </summary>
public sealed class PropertyTests
{
    private static readonly Func<MqttDecoder> Server = () => Decoders.FromClient();
    private static readonly Func<MqttDecoder> Server5 = () => Decoders.FromClient(V5);
    private static readonly Func<MqttDecoder> Client5 = () => Decoders.FromServer(V5);

    [Fact]
    public void Sample_packets_decode_with_only_a_user_property()
    {
        // The builders the tests below break one part of are valid as they stand.
        Action<PacketBytes> user = p => p.UserProperty("k", "v");
        DecodeAssert.Decodes<ConnectPacket>(Server(), Connect5(user));
        DecodeAssert.Decodes<ConnectPacket>(Server(), ConnectWithWill5(user));
        DecodeAssert.Decodes<ConnAckPacket>(Client5(), ConnAck5(user));
        DecodeAssert.Decodes<PublishPacket>(Server5(), Publish5(user));
        DecodeAssert.Decodes<PubAckPacket>(Client5(), PubAck5(user));
        DecodeAssert.Decodes<SubscribePacket>(Server5(), Subscribe5(user));
        DecodeAssert.Decodes<UnsubscribePacket>(Server5(), Unsubscribe5(user));
        DecodeAssert.Decodes<DisconnectPacket>(Server5(), Disconnect5(user));
        DecodeAssert.Decodes<AuthPacket>(Server5(), Auth(0x18, p => p.StringProperty(PropertyId.AuthenticationMethod, "m").UserProperty("k", "v")));
    }

    [Fact]
    public void Topic_alias_in_connect_is_malformed() =>
        DecodeAssert.Fails(Server, Connect5(p => p.UInt16Property(PropertyId.TopicAlias, 1)), ReasonCode.MalformedPacket);

    [Fact]
    public void Session_expiry_interval_in_publish_is_malformed() =>
        DecodeAssert.Fails(Server5, Publish5(p => p.UInt32Property(PropertyId.SessionExpiryInterval, 1)), ReasonCode.MalformedPacket);

    [Fact]
    public void Will_delay_interval_in_connect_properties_is_malformed() =>
        DecodeAssert.Fails(Server, Connect5(p => p.UInt32Property(PropertyId.WillDelayInterval, 1)), ReasonCode.MalformedPacket);

    [Fact]
    public void Will_delay_interval_in_will_properties_decodes()
    {
        var connect = DecodeAssert.Decodes<ConnectPacket>(Server(), ConnectWithWill5(p => p.UInt32Property(PropertyId.WillDelayInterval, 9)));

        Assert.Equal(9u, connect.Will?.Properties.WillDelayInterval);
        Assert.Null(connect.Properties.WillDelayInterval);
    }

    [Theory]
    [InlineData(0x00)]
    [InlineData(0x04)]
    [InlineData(0x0A)]
    [InlineData(0x20)]
    [InlineData(0x2B)]
    [InlineData(0x7F)]
    public void Unknown_property_identifier_is_malformed(byte id) =>
        DecodeAssert.Fails(Server5, Publish5(p => p.Byte(id).Byte(0)), ReasonCode.MalformedPacket);

    [Fact]
    public void Property_identifier_above_127_in_two_bytes_is_malformed() =>
        DecodeAssert.Fails(Server5, Publish5(p => p.VariableByteInteger(300).Byte(0)), ReasonCode.MalformedPacket);

    [Fact]
    public void Property_identifier_not_in_the_minimum_number_of_bytes_is_malformed() =>
        DecodeAssert.Fails(Server5, Publish5(p => p.Bytes(0x82, 0x00).UInt32(1)), ReasonCode.MalformedPacket);

    public static TheoryData<string> NotAllowed() => new(NotAllowedCases.Keys);

    private static readonly Dictionary<string, (Func<MqttDecoder> Decoder, byte[] Packet)> NotAllowedCases = new()
    {
        ["Subscription Identifier in CONNECT"] = (Server, Connect5(p => p.VariableByteIntegerProperty(PropertyId.SubscriptionIdentifier, 1))),
        ["Assigned Client Identifier in CONNECT"] = (Server, Connect5(p => p.StringProperty(PropertyId.AssignedClientIdentifier, "a"))),
        ["Server Keep Alive in CONNECT"] = (Server, Connect5(p => p.UInt16Property(PropertyId.ServerKeepAlive, 1))),
        ["Maximum QoS in CONNECT"] = (Server, Connect5(p => p.ByteProperty(PropertyId.MaximumQoS, 1))),
        ["Response Information in CONNECT"] = (Server, Connect5(p => p.StringProperty(PropertyId.ResponseInformation, "r"))),
        ["Reason String in CONNECT"] = (Server, Connect5(p => p.StringProperty(PropertyId.ReasonString, "r"))),
        ["Payload Format Indicator in CONNECT"] = (Server, Connect5(p => p.ByteProperty(PropertyId.PayloadFormatIndicator, 1))),
        ["Topic Alias in will properties"] = (Server, ConnectWithWill5(p => p.UInt16Property(PropertyId.TopicAlias, 1))),
        ["Session Expiry Interval in will properties"] = (Server, ConnectWithWill5(p => p.UInt32Property(PropertyId.SessionExpiryInterval, 1))),
        ["Subscription Identifier in will properties"] = (Server, ConnectWithWill5(p => p.VariableByteIntegerProperty(PropertyId.SubscriptionIdentifier, 1))),
        ["Request Problem Information in CONNACK"] = (Client5, ConnAck5(p => p.ByteProperty(PropertyId.RequestProblemInformation, 1))),
        ["Will Delay Interval in CONNACK"] = (Client5, ConnAck5(p => p.UInt32Property(PropertyId.WillDelayInterval, 1))),
        ["Reason String in PUBLISH"] = (Server5, Publish5(p => p.StringProperty(PropertyId.ReasonString, "r"))),
        ["Will Delay Interval in PUBLISH"] = (Server5, Publish5(p => p.UInt32Property(PropertyId.WillDelayInterval, 1))),
        ["Authentication Method in PUBLISH"] = (Server5, Publish5(p => p.StringProperty(PropertyId.AuthenticationMethod, "m"))),
        ["Topic Alias in PUBACK"] = (Client5, PubAck5(p => p.UInt16Property(PropertyId.TopicAlias, 1))),
        ["Content Type in SUBSCRIBE"] = (Server5, Subscribe5(p => p.StringProperty(PropertyId.ContentType, "c"))),
        ["Reason String in SUBSCRIBE"] = (Server5, Subscribe5(p => p.StringProperty(PropertyId.ReasonString, "r"))),
        ["Subscription Identifier in UNSUBSCRIBE"] = (Server5, Unsubscribe5(p => p.VariableByteIntegerProperty(PropertyId.SubscriptionIdentifier, 1))),
        ["Reason String in UNSUBSCRIBE"] = (Server5, Unsubscribe5(p => p.StringProperty(PropertyId.ReasonString, "r"))),
        ["Topic Alias in DISCONNECT"] = (Server5, Disconnect5(p => p.UInt16Property(PropertyId.TopicAlias, 1))),
        ["Server Reference in AUTH"] = (Server5, Auth(0x18, p => p.StringProperty(PropertyId.AuthenticationMethod, "m").StringProperty(PropertyId.ServerReference, "s"))),
    };

    [Theory]
    [MemberData(nameof(NotAllowed))]
    public void Property_not_allowed_in_the_packet_is_malformed(string property)
    {
        var (decoder, packet) = NotAllowedCases[property];

        DecodeAssert.Fails(decoder, packet, ReasonCode.MalformedPacket);
    }

    public static TheoryData<string> Repeated() => new(RepeatedCases.Keys);

    private static readonly Dictionary<string, (Func<MqttDecoder> Decoder, byte[] Packet)> RepeatedCases = new()
    {
        ["two Message Expiry Intervals in PUBLISH"] = (Server5, Publish5(p => p.UInt32Property(PropertyId.MessageExpiryInterval, 1).UInt32Property(PropertyId.MessageExpiryInterval, 2))),
        ["two Payload Format Indicators in PUBLISH"] = (Server5, Publish5(p => p.ByteProperty(PropertyId.PayloadFormatIndicator, 0).ByteProperty(PropertyId.PayloadFormatIndicator, 0))),
        ["two Topic Aliases in PUBLISH"] = (Server5, Publish5(p => p.UInt16Property(PropertyId.TopicAlias, 1).UInt16Property(PropertyId.TopicAlias, 1))),
        ["two Response Topics in PUBLISH"] = (Server5, Publish5(p => p.StringProperty(PropertyId.ResponseTopic, "a").UserProperty("k", "v").StringProperty(PropertyId.ResponseTopic, "b"))),
        ["two Correlation Data in PUBLISH"] = (Server5, Publish5(p => p.BinaryProperty(PropertyId.CorrelationData, 1).BinaryProperty(PropertyId.CorrelationData, 2))),
        ["two Subscription Identifiers in SUBSCRIBE"] = (Server5, Subscribe5(p => p.VariableByteIntegerProperty(PropertyId.SubscriptionIdentifier, 1).VariableByteIntegerProperty(PropertyId.SubscriptionIdentifier, 2))),
        ["two Session Expiry Intervals in CONNECT"] = (Server, Connect5(p => p.UInt32Property(PropertyId.SessionExpiryInterval, 1).UInt32Property(PropertyId.SessionExpiryInterval, 1))),
        ["two Authentication Methods in CONNECT"] = (Server, Connect5(p => p.StringProperty(PropertyId.AuthenticationMethod, "a").StringProperty(PropertyId.AuthenticationMethod, "a"))),
        ["two Content Types in will properties"] = (Server, ConnectWithWill5(p => p.StringProperty(PropertyId.ContentType, "a").StringProperty(PropertyId.ContentType, "b"))),
        ["two Receive Maximums in CONNACK"] = (Client5, ConnAck5(p => p.UInt16Property(PropertyId.ReceiveMaximum, 1).UInt16Property(PropertyId.ReceiveMaximum, 2))),
        ["two Reason Strings in PUBACK"] = (Client5, PubAck5(p => p.StringProperty(PropertyId.ReasonString, "a").StringProperty(PropertyId.ReasonString, "b"))),
        ["two Authentication Data in AUTH"] = (Server5, Auth(0x18, p => p.StringProperty(PropertyId.AuthenticationMethod, "m").BinaryProperty(PropertyId.AuthenticationData, 1).BinaryProperty(PropertyId.AuthenticationData, 1))),
    };

    [Theory]
    [MemberData(nameof(Repeated))]
    public void Property_repeated_where_the_specification_forbids_it_is_a_protocol_error(string property)
    {
        var (decoder, packet) = RepeatedCases[property];

        DecodeAssert.Fails(decoder, packet, ReasonCode.ProtocolError);
    }

    [Fact]
    public void User_properties_may_repeat_and_keep_their_order()
    {
        var publish = DecodeAssert.Decodes<PublishPacket>(Server5(), Publish5(p => p
            .UserProperty("b", "1").UInt32Property(PropertyId.MessageExpiryInterval, 5).UserProperty("a", "2").UserProperty("b", "1")));

        Assert.Equal([new("b", "1"), new("a", "2"), new("b", "1")], publish.Properties.UserProperties);
        Assert.Equal(5u, publish.Properties.MessageExpiryInterval);
    }

    [Fact]
    public void Several_subscription_identifiers_in_a_server_publish_decode_in_order()
    {
        var publish = DecodeAssert.Decodes<PublishPacket>(Client5(), Publish5(p => p
            .VariableByteIntegerProperty(PropertyId.SubscriptionIdentifier, 300)
            .VariableByteIntegerProperty(PropertyId.SubscriptionIdentifier, 1)
            .VariableByteIntegerProperty(PropertyId.SubscriptionIdentifier, 268_435_455)));

        Assert.Equal([300, 1, 268_435_455], publish.Properties.SubscriptionIdentifiers);
    }

    [Fact]
    public void Receive_maximum_0_in_connect_is_a_protocol_error() =>
        DecodeAssert.Fails(Server, Connect5(p => p.UInt16Property(PropertyId.ReceiveMaximum, 0)), ReasonCode.ProtocolError);

    [Fact]
    public void Receive_maximum_0_in_connack_is_a_protocol_error() =>
        DecodeAssert.Fails(Client5, ConnAck5(p => p.UInt16Property(PropertyId.ReceiveMaximum, 0)), ReasonCode.ProtocolError);

    [Fact]
    public void Maximum_packet_size_0_in_connect_is_a_protocol_error() =>
        DecodeAssert.Fails(Server, Connect5(p => p.UInt32Property(PropertyId.MaximumPacketSize, 0)), ReasonCode.ProtocolError);

    [Fact]
    public void Maximum_packet_size_0_in_connack_is_a_protocol_error() =>
        DecodeAssert.Fails(Client5, ConnAck5(p => p.UInt32Property(PropertyId.MaximumPacketSize, 0)), ReasonCode.ProtocolError);

    [Fact]
    public void MQTT_3_3_2_8_topic_alias_0_is_topic_alias_invalid() =>
        DecodeAssert.Fails(Server5, Publish5(p => p.UInt16Property(PropertyId.TopicAlias, 0)), ReasonCode.TopicAliasInvalid);

    [Fact]
    public void Payload_format_indicator_2_is_a_protocol_error() =>
        DecodeAssert.Fails(Server5, Publish5(p => p.ByteProperty(PropertyId.PayloadFormatIndicator, 2)), ReasonCode.ProtocolError);

    [Fact]
    public void Payload_format_indicator_2_in_will_properties_is_a_protocol_error() =>
        DecodeAssert.Fails(Server, ConnectWithWill5(p => p.ByteProperty(PropertyId.PayloadFormatIndicator, 2)), ReasonCode.ProtocolError);

    [Fact]
    public void Request_problem_information_2_is_a_protocol_error() =>
        DecodeAssert.Fails(Server, Connect5(p => p.ByteProperty(PropertyId.RequestProblemInformation, 2)), ReasonCode.ProtocolError);

    [Fact]
    public void Request_response_information_2_is_a_protocol_error() =>
        DecodeAssert.Fails(Server, Connect5(p => p.ByteProperty(PropertyId.RequestResponseInformation, 2)), ReasonCode.ProtocolError);

    [Fact]
    public void Subscription_identifier_0_in_subscribe_is_a_protocol_error() =>
        DecodeAssert.Fails(Server5, Subscribe5(p => p.VariableByteIntegerProperty(PropertyId.SubscriptionIdentifier, 0)), ReasonCode.ProtocolError);

    [Fact]
    public void Subscription_identifier_0_in_a_server_publish_is_a_protocol_error() =>
        DecodeAssert.Fails(Client5, Publish5(p => p.VariableByteIntegerProperty(PropertyId.SubscriptionIdentifier, 0)), ReasonCode.ProtocolError);

    [Fact]
    public void Subscription_identifier_not_in_the_minimum_number_of_bytes_is_malformed() =>
        DecodeAssert.Fails(Server5, Subscribe5(p => p.Byte((byte)PropertyId.SubscriptionIdentifier).Bytes(0x81, 0x00)), ReasonCode.MalformedPacket);

    [Fact]
    public void Subscription_identifier_of_5_bytes_is_malformed() =>
        DecodeAssert.Fails(Server5, Subscribe5(p => p.Byte((byte)PropertyId.SubscriptionIdentifier).Bytes(0xFF, 0xFF, 0xFF, 0xFF, 0x01)), ReasonCode.MalformedPacket);

    [Theory]
    [InlineData(PropertyId.MaximumQoS, 2)]
    [InlineData(PropertyId.RetainAvailable, 2)]
    [InlineData(PropertyId.WildcardSubscriptionAvailable, 2)]
    [InlineData(PropertyId.SubscriptionIdentifierAvailable, 0xFF)]
    [InlineData(PropertyId.SharedSubscriptionAvailable, 2)]
    public void Connack_flag_property_other_than_0_or_1_is_a_protocol_error(PropertyId id, byte value) =>
        DecodeAssert.Fails(Client5, ConnAck5(p => p.ByteProperty(id, value)), ReasonCode.ProtocolError);

    [Fact]
    public void MQTT_3_1_2_11_10_authentication_data_without_an_authentication_method_is_a_protocol_error() =>
        DecodeAssert.Fails(Server, Connect5(p => p.BinaryProperty(PropertyId.AuthenticationData, 1, 2)), ReasonCode.ProtocolError);

    [Theory]
    [InlineData("reply/+")]
    [InlineData("reply/#")]
    public void MQTT_3_3_2_14_response_topic_with_a_wildcard_is_a_protocol_error(string topic) =>
        DecodeAssert.Fails(Server5, Publish5(p => p.StringProperty(PropertyId.ResponseTopic, topic)), ReasonCode.ProtocolError);

    [Fact]
    public void Property_length_not_in_the_minimum_number_of_bytes_is_malformed() =>
        DecodeAssert.Fails(Server5, PacketBytes.Packet(0x30, b => b.String("t").Bytes(0x80, 0x00)), ReasonCode.MalformedPacket);

    [Fact]
    public void Property_length_of_5_bytes_is_malformed() =>
        DecodeAssert.Fails(Server5, PacketBytes.Packet(0x30, b => b.String("t").Bytes(0x81, 0x80, 0x80, 0x80, 0x00)), ReasonCode.MalformedPacket);

    [Theory]
    [InlineData(PropertyId.MessageExpiryInterval, 3)] // four-byte integer cut after 2 bytes
    [InlineData(PropertyId.TopicAlias, 1)]
    [InlineData(PropertyId.PayloadFormatIndicator, 0)]
    [InlineData(PropertyId.ContentType, 1)] // string length cut
    [InlineData(PropertyId.CorrelationData, 2)] // binary length says 2... below: content missing
    [InlineData(PropertyId.UserProperty, 4)] // name present, value missing
    public void Property_value_cut_short_by_the_property_length_is_malformed(PropertyId id, int valueBytes)
    {
        // The section announces the identifier and valueBytes bytes of value; the packet goes on with payload
        // bytes that must not be read as the rest of the value.
        byte[] value = id switch
        {
            PropertyId.ContentType => [0x00],
            PropertyId.CorrelationData => [0x00, 0x02],
            PropertyId.UserProperty => [0x00, 0x01, (byte)'n', 0x00],
            _ => new byte[valueBytes],
        };
        Assert.Equal(valueBytes, value.Length);
        var bytes = PacketBytes.Packet(0x30, b => b.String("t").Properties(p => p.Byte((byte)id).Bytes(value)).Bytes(0x00, 0x01, 0x61, 0x62));

        DecodeAssert.Fails(Server5, bytes, ReasonCode.MalformedPacket);
    }

    [Fact]
    public void Empty_property_section_decodes_as_the_shared_empty_properties()
    {
        var publish = DecodeAssert.Decodes<PublishPacket>(Server5(), Publish5(_ => { }));

        Assert.Same(MqttProperties.Empty, publish.Properties);
    }

    [Fact]
    public void Property_sent_with_its_default_value_is_present_not_absent()
    {
        // Absent and "sent as 0" differ (a missing Message Expiry Interval means "never expires").
        var publish = DecodeAssert.Decodes<PublishPacket>(Server5(), Publish5(p => p
            .UInt32Property(PropertyId.MessageExpiryInterval, 0).ByteProperty(PropertyId.PayloadFormatIndicator, 0)));

        Assert.Equal(0u, publish.Properties.MessageExpiryInterval);
        Assert.Equal(PayloadFormatIndicator.Unspecified, publish.Properties.PayloadFormatIndicator);
        Assert.Null(publish.Properties.ContentType);
        Assert.Null(publish.Properties.CorrelationData);
    }
}
