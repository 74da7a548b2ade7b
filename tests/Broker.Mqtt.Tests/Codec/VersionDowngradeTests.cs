using System.Buffers;
using Broker.Mqtt;
using Broker.Mqtt.Codec;
using Broker.Mqtt.Packets;
using Broker.Mqtt.Tests.Codec.Support;

namespace Broker.Mqtt.Tests.Codec;

/// <summary>
/// The channel builds 5.0-shaped packets whatever the client speaks; encoding at 3.x drops what 3.x cannot
/// carry (properties, will properties, subscription options beyond QoS, acknowledgement and UNSUBACK reason
/// codes) and maps what it can (CONNACK return codes, SUBACK failures).
/// </summary>
public sealed class VersionDowngradeTests
{
    public static TheoryData<MqttProtocolVersion, string> SameShapeIn3x()
    {
        string[] names =
        [
            "CONNECT with every field", "CONNECT minimal", "CONNACK accepted", "CONNACK refused", "PUBLISH QoS 0",
            "PUBLISH QoS 1 retained", "PUBLISH QoS 2 duplicate", "PUBLISH empty payload", "PUBLISH to a subscriber",
            "PUBACK", "PUBREC", "PUBREL", "PUBCOMP", "PUBACK from the server", "PUBREC from the server",
            "PUBREL from the server", "PUBCOMP from the server", "SUBSCRIBE", "UNSUBSCRIBE", "UNSUBACK", "PINGREQ",
            "PINGRESP", "DISCONNECT",
        ];
        var data = new TheoryData<MqttProtocolVersion, string>();
        foreach (var name in names)
        {
            data.Add(MqttProtocolVersion.V310, name);
            data.Add(MqttProtocolVersion.V311, name);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(SameShapeIn3x))]
    public void Packet_built_for_5_0_encodes_at_3_x_as_the_3_x_packet(MqttProtocolVersion version, string name)
    {
        var full = PacketCatalog.Get(MqttProtocolVersion.V500, name);
        var reduced = PacketCatalog.Get(version, name);

        var bytes = Wire.Encode(full.Packet, version);

        Assert.Equal(Wire.Hex(Wire.Encode(reduced.Packet, version)), Wire.Hex(bytes));
        // The 3.x entry's own round trip checks what these bytes decode to.
        DecodeAssert.Decodes(PacketCatalog.DecoderFor(reduced), Segments.Single(bytes));
    }

    [Fact]
    public void Puback_at_3_1_1_drops_the_reason_code_and_properties()
    {
        var full = (PubAckPacket)PacketCatalog.Get(MqttProtocolVersion.V500, "PUBACK").Packet;

        Assert.Equal([0x40, 0x02, 0x00, 0x01], Wire.Encode(full, MqttProtocolVersion.V311));
    }

    [Theory]
    [InlineData(ReasonCode.Success, ConnectReturnCodes.Accepted)]
    [InlineData(ReasonCode.UnsupportedProtocolVersion, ConnectReturnCodes.UnacceptableProtocolVersion)]
    [InlineData(ReasonCode.ClientIdentifierNotValid, ConnectReturnCodes.IdentifierRejected)]
    [InlineData(ReasonCode.ServerUnavailable, ConnectReturnCodes.ServerUnavailable)]
    [InlineData(ReasonCode.BadUserNameOrPassword, ConnectReturnCodes.BadUserNameOrPassword)]
    [InlineData(ReasonCode.NotAuthorized, ConnectReturnCodes.NotAuthorized)]
    [InlineData(ReasonCode.Banned, ConnectReturnCodes.NotAuthorized)]
    [InlineData(ReasonCode.BadAuthenticationMethod, ConnectReturnCodes.NotAuthorized)]
    [InlineData(ReasonCode.ServerBusy, ConnectReturnCodes.ServerUnavailable)]
    [InlineData(ReasonCode.QuotaExceeded, ConnectReturnCodes.ServerUnavailable)]
    [InlineData(ReasonCode.UseAnotherServer, ConnectReturnCodes.ServerUnavailable)]
    [InlineData(ReasonCode.UnspecifiedError, ConnectReturnCodes.ServerUnavailable)]
    [InlineData(ReasonCode.MalformedPacket, ConnectReturnCodes.ServerUnavailable)]
    [InlineData(ReasonCode.ConnectionRateExceeded, ConnectReturnCodes.ServerUnavailable)]
    public void Connack_reason_code_is_sent_to_3_1_1_as_its_return_code(ReasonCode reason, byte returnCode)
    {
        var bytes = Wire.Encode(new ConnAckPacket { ReasonCode = reason }, MqttProtocolVersion.V311);

        Assert.Equal([0x20, 0x02, 0x00, returnCode], bytes);
    }

    [Theory]
    [InlineData(ConnectReturnCodes.Accepted, ReasonCode.Success)]
    [InlineData(ConnectReturnCodes.UnacceptableProtocolVersion, ReasonCode.UnsupportedProtocolVersion)]
    [InlineData(ConnectReturnCodes.IdentifierRejected, ReasonCode.ClientIdentifierNotValid)]
    [InlineData(ConnectReturnCodes.ServerUnavailable, ReasonCode.ServerUnavailable)]
    [InlineData(ConnectReturnCodes.BadUserNameOrPassword, ReasonCode.BadUserNameOrPassword)]
    [InlineData(ConnectReturnCodes.NotAuthorized, ReasonCode.NotAuthorized)]
    public void Connack_return_code_from_a_3_1_1_server_decodes_as_its_reason_code(byte returnCode, ReasonCode reason)
    {
        foreach (var version in new[] { MqttProtocolVersion.V310, MqttProtocolVersion.V311 })
        {
            var packet = DecodeAssert.Decodes<ConnAckPacket>(Decoders.FromServer(version), [0x20, 0x02, 0x00, returnCode]);

            Assert.Equal(reason, packet.ReasonCode);
            Assert.False(packet.SessionPresent);
            Assert.Same(Broker.Mqtt.Properties.MqttProperties.Empty, packet.Properties);
        }
    }

    [Fact]
    public void Connack_session_present_is_not_sent_to_3_1_which_has_no_such_flag()
    {
        var bytes = Wire.Encode(new ConnAckPacket { SessionPresent = true }, MqttProtocolVersion.V310);

        Assert.Equal([0x20, 0x02, 0x00, 0x00], bytes);
    }

    [Theory]
    [InlineData(ReasonCode.UnspecifiedError)]
    [InlineData(ReasonCode.ImplementationSpecificError)]
    [InlineData(ReasonCode.NotAuthorized)]
    [InlineData(ReasonCode.TopicFilterInvalid)]
    [InlineData(ReasonCode.PacketIdentifierInUse)]
    [InlineData(ReasonCode.QuotaExceeded)]
    [InlineData(ReasonCode.SharedSubscriptionsNotSupported)]
    [InlineData(ReasonCode.SubscriptionIdentifiersNotSupported)]
    [InlineData(ReasonCode.WildcardSubscriptionsNotSupported)]
    public void Suback_failure_code_is_sent_to_3_1_1_as_0x80(ReasonCode failure)
    {
        var packet = new SubAckPacket { PacketId = 3, ReasonCodes = [ReasonCode.GrantedQoS2, failure, ReasonCode.GrantedQoS0] };

        var bytes = Wire.Encode(packet, MqttProtocolVersion.V311);

        Assert.Equal([0x90, 0x05, 0x00, 0x03, 0x02, 0x80, 0x00], bytes);
        var decoded = DecodeAssert.Decodes<SubAckPacket>(Decoders.FromServer(MqttProtocolVersion.V311), bytes);
        Assert.Equal([ReasonCode.GrantedQoS2, ReasonCode.UnspecifiedError, ReasonCode.GrantedQoS0], decoded.ReasonCodes);
    }

    [Fact]
    public void Subscribe_at_3_1_1_sends_only_the_qos_bits_of_the_options()
    {
        var packet = new SubscribePacket
        {
            PacketId = 1,
            Subscriptions = [new("a", new SubscriptionOptions(QualityOfService.ExactlyOnce, NoLocal: true, RetainAsPublished: true, RetainHandling.DoNotSend))],
        };

        Assert.Equal([0x82, 0x06, 0x00, 0x01, 0x00, 0x01, (byte)'a', 0x02], Wire.Encode(packet, MqttProtocolVersion.V311));
        Assert.Equal([0x82, 0x07, 0x00, 0x01, 0x00, 0x00, 0x01, (byte)'a', 0x2E], Wire.Encode(packet, MqttProtocolVersion.V500));
    }

    [Fact]
    public void Disconnect_at_3_1_1_has_no_content_whatever_its_reason()
    {
        var packet = new DisconnectPacket { ReasonCode = ReasonCode.ServerShuttingDown, Properties = new() { ReasonString = "bye" } };

        Assert.Equal([0xE0, 0x00], Wire.Encode(packet, MqttProtocolVersion.V311));
    }

    [Theory]
    [InlineData(MqttProtocolVersion.V310)]
    [InlineData(MqttProtocolVersion.V311)]
    public void Auth_cannot_be_encoded_before_5_0(MqttProtocolVersion version)
    {
        var auth = new AuthPacket { ReasonCode = ReasonCode.ContinueAuthentication };

        Assert.Throws<ArgumentException>(() => MqttEncoder.Write(new ArrayBufferWriter<byte>(), auth, version));
        Assert.Throws<ArgumentException>(() => MqttEncoder.GetSize(auth, version));
    }

    [Theory]
    [InlineData("PUBLISH QoS 0")]
    [InlineData("CONNECT minimal")]
    [InlineData("PINGREQ")]
    public void Encoding_at_an_unknown_protocol_level_is_refused(string name)
    {
        var packet = PacketCatalog.Get(MqttProtocolVersion.V311, name).Packet;

        Assert.Throws<ArgumentException>(() => MqttEncoder.Write(new ArrayBufferWriter<byte>(), packet, MqttProtocolVersion.Unknown));
        Assert.Throws<ArgumentException>(() => MqttEncoder.GetSize(packet, MqttProtocolVersion.Unknown));
    }
}
