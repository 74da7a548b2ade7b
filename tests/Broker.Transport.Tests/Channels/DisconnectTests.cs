using Broker.Core.Messaging;
using Broker.Core.Sessions;
using Broker.Mqtt;
using Broker.Mqtt.Codec;
using Broker.Mqtt.Packets;
using Broker.Mqtt.Properties;
using Broker.Transport.Channels;
using static Broker.Transport.Tests.Channels.Support.Channels;

namespace Broker.Transport.Tests.Channels;

/// <summary>DISCONNECT from the client, AUTH, and the decoder's errors turned into replies.</summary>
public sealed class DisconnectTests
{
    [Fact]
    public void MQTT_3_14_4_3_DISCONNECT_0x00_is_a_normal_disconnect_that_discards_the_will()
    {
        var (channel, _) = Connected();

        var result = channel.HandleIn(DisconnectPacket.Normal, 0);

        Assert.Null(result.Reply);
        Assert.Equal(CloseCause.ClientDisconnect, result.Close!.Cause);
        Assert.Equal(DisconnectKind.Normal, result.Close.Kind);
        Assert.Null(result.Close.SessionExpirySeconds);
        Assert.Equal(ChannelState.Closed, channel.State);
    }

    [Fact]
    public void DISCONNECT_0x04_publishes_the_will()
    {
        var (channel, _) = Connected();

        var result = channel.HandleIn(new DisconnectPacket { ReasonCode = ReasonCode.DisconnectWithWillMessage }, 0);

        Assert.Equal(DisconnectKind.WithWill, result.Close!.Kind);
    }

    [Fact]
    public void MQTT_3_1_2_8_a_DISCONNECT_with_an_error_code_does_not_discard_the_will()
    {
        var (channel, _) = Connected();

        var result = channel.HandleIn(new DisconnectPacket { ReasonCode = ReasonCode.UnspecifiedError }, 0);

        Assert.Equal(DisconnectKind.WithWill, result.Close!.Kind);
    }

    [Fact]
    public void A_DISCONNECT_session_expiry_replaces_the_CONNECT_one_capped_by_the_maximum()
    {
        var (channel, _) = Connected(MqttSettings.Default with { MaxSessionExpirySeconds = 100 }, properties: new MqttProperties { SessionExpiryInterval = 10 });

        var result = channel.HandleIn(new DisconnectPacket { Properties = new MqttProperties { SessionExpiryInterval = 500 } }, 0);

        Assert.Equal(100u, result.Close!.SessionExpirySeconds);
        Assert.Equal(DisconnectKind.Normal, result.Close.Kind);
    }

    [Fact]
    public void A_DISCONNECT_may_set_the_session_expiry_to_0()
    {
        var (channel, _) = Connected(properties: new MqttProperties { SessionExpiryInterval = 10 });

        var result = channel.HandleIn(new DisconnectPacket { Properties = new MqttProperties { SessionExpiryInterval = 0 } }, 0);

        Assert.Equal(0u, result.Close!.SessionExpirySeconds);
    }

    [Fact]
    public void A_non_zero_DISCONNECT_session_expiry_after_CONNECT_set_0_is_a_protocol_error()
    {
        var (channel, _) = Connected();

        var result = channel.HandleIn(new DisconnectPacket { Properties = new MqttProperties { SessionExpiryInterval = 60 } }, 0);

        Assert.Equal(ReasonCode.ProtocolError, Disconnect(result, channel).ReasonCode);
    }

    [Fact]
    public void MQTT_4_12_0_7_AUTH_without_an_authentication_method_in_CONNECT_is_a_protocol_error()
    {
        var (channel, _) = Connected();

        var result = channel.HandleIn(new AuthPacket { ReasonCode = ReasonCode.ReAuthenticate }, 0);

        Assert.Equal(ReasonCode.ProtocolError, Disconnect(result, channel).ReasonCode);
    }

    [Fact]
    public void Nothing_after_DISCONNECT_is_processed()
    {
        var (channel, _) = Connected();
        channel.HandleIn(DisconnectPacket.Normal, 0);

        Assert.Equal(ChannelResult.None, channel.HandleIn(PingReqPacket.Instance, 0));
        Assert.Equal(ChannelResult.None, channel.HandleDecodeError(new MqttDecodeError(ReasonCode.MalformedPacket, PacketType.Publish, "x"), MqttProtocolVersion.V500));
    }

    [Theory]
    [InlineData(ReasonCode.MalformedPacket, CloseCause.MalformedPacket)]
    [InlineData(ReasonCode.ProtocolError, CloseCause.ProtocolError)]
    [InlineData(ReasonCode.PacketTooLarge, CloseCause.ProtocolError)]
    [InlineData(ReasonCode.TopicNameInvalid, CloseCause.ProtocolError)]
    public void MQTT_4_13_1_1_a_decode_error_after_CONNECT_sends_DISCONNECT_with_its_reason_on_5_0(ReasonCode code, CloseCause cause)
    {
        var (channel, _) = Connected();

        var result = channel.HandleDecodeError(new MqttDecodeError(code, PacketType.Publish, "bad"), MqttProtocolVersion.V500);

        Assert.Equal(code, Disconnect(result, channel).ReasonCode);
        Assert.Equal(cause, result.Close!.Cause);
    }

    [Fact]
    public void A_decode_error_after_a_3_1_1_CONNECT_closes_without_a_packet()
    {
        var (channel, _) = Connected(version: MqttProtocolVersion.V311);

        var result = channel.HandleDecodeError(new MqttDecodeError(ReasonCode.MalformedPacket, PacketType.Subscribe, "bad"), MqttProtocolVersion.V311);

        Assert.Null(result.Reply);
        Assert.Equal(CloseCause.MalformedPacket, result.Close!.Cause);
    }

    [Fact]
    public void A_5_0_CONNECT_that_fails_to_decode_is_answered_with_a_CONNACK_carrying_the_reason()
    {
        var channel = New();

        var result = channel.HandleDecodeError(new MqttDecodeError(ReasonCode.PacketTooLarge, PacketType.Connect, "big"), MqttProtocolVersion.V500);

        Assert.Equal(ReasonCode.PacketTooLarge, Refusal(result).ReasonCode);
        Assert.Equal(MqttProtocolVersion.V500, channel.ProtocolVersion);
    }

    [Fact]
    public void MQTT_3_1_2_2_an_unsupported_protocol_level_is_answered_with_return_code_1_in_the_3_1_1_layout()
    {
        var channel = New();

        var result = channel.HandleDecodeError(new MqttDecodeError(ReasonCode.UnsupportedProtocolVersion, PacketType.Connect, "level 6"), MqttProtocolVersion.Unknown);

        Assert.Equal(ReasonCode.UnsupportedProtocolVersion, Refusal(result).ReasonCode);
        Assert.Equal(MqttProtocolVersion.V311, channel.ProtocolVersion);
        Assert.Equal(CloseCause.ConnectRefused, result.Close!.Cause);
    }

    [Fact]
    public void MQTT_3_1_4_1_a_malformed_3_1_1_CONNECT_is_closed_without_a_CONNACK()
    {
        var channel = New();

        var result = channel.HandleDecodeError(new MqttDecodeError(ReasonCode.MalformedPacket, PacketType.Connect, "flags"), MqttProtocolVersion.V311);

        Assert.Null(result.Reply);
        Assert.Equal(CloseCause.MalformedPacket, result.Close!.Cause);
    }

    [Fact]
    public void MQTT_3_1_0_1_a_first_packet_the_decoder_refused_as_not_CONNECT_closes_without_a_reply()
    {
        var channel = New();

        var result = channel.HandleDecodeError(new MqttDecodeError(ReasonCode.ProtocolError, PacketType.Publish, "not CONNECT"), MqttProtocolVersion.Unknown);

        Assert.Null(result.Reply);
        Assert.Equal(ChannelState.Closed, channel.State);
    }
}
