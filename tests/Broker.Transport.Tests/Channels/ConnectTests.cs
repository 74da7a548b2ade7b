using Broker.Core.Messaging;
using Broker.Core.Sessions;
using Broker.Mqtt;
using Broker.Mqtt.Packets;
using Broker.Mqtt.Properties;
using Broker.Transport.Channels;
using Broker.Transport.Tests.Channels.Support;
using static Broker.Transport.Tests.Channels.Support.Channels;

namespace Broker.Transport.Tests.Channels;

/// <summary>CONNECT: validation, client ids, negotiation and the CONNACK the session will send.</summary>
public sealed class ConnectTests
{
    [Fact]
    public void An_accepted_CONNECT_opens_the_session_with_the_negotiated_request()
    {
        var channel = New();
        var result = channel.HandleIn(Connect(properties: new MqttProperties
        {
            SessionExpiryInterval = 300,
            ReceiveMaximum = 10,
            MaximumPacketSize = 2048,
            TopicAliasMaximum = 5,
            RequestProblemInformation = false,
        }), OpenedAtMs);

        var open = Assert.IsType<OpenSession>(result.Command);
        Assert.Null(result.Reply);
        Assert.Null(result.Close);
        Assert.Equal(ChannelState.Connected, channel.State);
        Assert.Equal("client-1", open.Request.ClientId);
        Assert.Equal(MqttProtocolVersion.V500, open.Request.ProtocolVersion);
        Assert.True(open.Request.CleanStart);
        Assert.Equal(300u, open.Request.SessionExpirySeconds);
        Assert.Equal(10, open.Request.ReceiveMaximum);
        Assert.Equal(2048u, open.Request.MaximumPacketSize);
        Assert.False(open.Request.RequestProblemInformation);
        Assert.Equal(5, channel.ClientTopicAliasMaximum);
        Assert.Equal(ReasonCode.Success, open.ConnAck.ReasonCode);
    }

    [Fact]
    public void Absent_5_0_properties_take_their_defaults()
    {
        var (_, open) = Connected();

        Assert.Equal(0u, open.Request.SessionExpirySeconds);
        Assert.Equal(ushort.MaxValue, open.Request.ReceiveMaximum);
        Assert.Equal(uint.MaxValue, open.Request.MaximumPacketSize);
        Assert.True(open.Request.RequestProblemInformation);
    }

    [Fact]
    public void The_5_0_CONNACK_advertises_the_broker_limits_that_differ_from_the_defaults()
    {
        var settings = MqttSettings.Default with
        {
            ReceiveMaximum = 16,
            MaxInflight = 3,
            MaximumQoS = QualityOfService.AtLeastOnce,
            RetainAvailable = false,
            MaxPacketSize = 4096,
            TopicAliasMaximum = 7,
            WildcardSubscriptionAvailable = false,
            SharedSubscriptionAvailable = false,
        };
        var (_, open) = Connected(settings);

        var properties = open.ConnAck.Properties;
        Assert.Equal((ushort)16, properties.ReceiveMaximum);
        Assert.Equal(QualityOfService.AtLeastOnce, properties.MaximumQoS);
        Assert.False(properties.RetainAvailable);
        Assert.Equal(4096u, properties.MaximumPacketSize);
        Assert.Equal((ushort)7, properties.TopicAliasMaximum);
        Assert.False(properties.WildcardSubscriptionAvailable);
        Assert.False(properties.SharedSubscriptionAvailable);
        Assert.Null(properties.SubscriptionIdentifierAvailable);
        Assert.Null(properties.AssignedClientIdentifier);
        Assert.Null(properties.ServerKeepAlive);
        Assert.Null(properties.SessionExpiryInterval);
    }

    [Fact]
    public void The_default_limits_leave_the_permissive_properties_out()
    {
        var (_, open) = Connected();

        var properties = open.ConnAck.Properties;
        Assert.Null(properties.MaximumQoS);
        Assert.Null(properties.RetainAvailable);
        Assert.Null(properties.WildcardSubscriptionAvailable);
        Assert.Null(properties.SharedSubscriptionAvailable);
    }

    [Fact]
    public void A_3_1_1_CONNACK_has_no_properties()
    {
        var (_, open) = Connected(version: MqttProtocolVersion.V311);

        Assert.Same(MqttProperties.Empty, open.ConnAck.Properties);
    }

    [Fact]
    public void Session_expiry_above_the_broker_maximum_is_capped_and_returned_in_CONNACK()
    {
        var settings = MqttSettings.Default with { MaxSessionExpirySeconds = 3600 };
        var (_, open) = Connected(settings, properties: new MqttProperties { SessionExpiryInterval = uint.MaxValue });

        Assert.Equal(3600u, open.Request.SessionExpirySeconds);
        Assert.Equal(3600u, open.ConnAck.Properties.SessionExpiryInterval);
    }

    [Theory]
    [InlineData(true, 0u)]
    [InlineData(false, 7200u)]
    public void A_3_1_1_clean_session_flag_decides_the_session_expiry(bool cleanSession, uint expected)
    {
        var channel = New();
        var result = channel.HandleIn(Connect(MqttProtocolVersion.V311, cleanStart: cleanSession), OpenedAtMs);

        Assert.Equal(expected, Assert.IsType<OpenSession>(result.Command).Request.SessionExpirySeconds);
    }

    [Fact]
    public void MQTT_3_1_3_6_an_empty_5_0_client_id_is_assigned_and_returned_in_CONNACK()
    {
        var channel = New();
        var result = channel.HandleIn(Connect(clientId: ""), OpenedAtMs);

        var open = Assert.IsType<OpenSession>(result.Command);
        Assert.Equal("auto-test", open.Request.ClientId);
        Assert.Equal("auto-test", channel.ClientId);
        // [MQTT-3.2.2-16]
        Assert.Equal("auto-test", open.ConnAck.Properties.AssignedClientIdentifier);
    }

    [Fact]
    public void An_empty_3_1_1_client_id_with_clean_session_is_assigned()
    {
        var channel = New();
        var result = channel.HandleIn(Connect(MqttProtocolVersion.V311, clientId: "", cleanStart: true), OpenedAtMs);

        Assert.Equal("auto-test", Assert.IsType<OpenSession>(result.Command).Request.ClientId);
    }

    [Fact]
    public void MQTT_3_1_3_8_an_empty_3_1_1_client_id_without_clean_session_is_rejected()
    {
        var channel = New();
        var result = channel.HandleIn(Connect(MqttProtocolVersion.V311, clientId: "", cleanStart: false), OpenedAtMs);

        Assert.Equal(ReasonCode.ClientIdentifierNotValid, Refusal(result).ReasonCode);
        Assert.Equal(CloseCause.ConnectRefused, result.Close!.Cause);
        Assert.Equal(ChannelState.Closed, channel.State);
    }

    [Fact]
    public void An_empty_3_1_client_id_is_rejected()
    {
        var result = New().HandleIn(Connect(MqttProtocolVersion.V310, clientId: "", cleanStart: true), OpenedAtMs);

        Assert.Equal(ReasonCode.ClientIdentifierNotValid, Refusal(result).ReasonCode);
    }

    [Fact]
    public void A_client_id_longer_than_the_maximum_is_rejected()
    {
        var channel = New(MqttSettings.Default with { MaxClientIdLength = 8 });

        Assert.Equal(ReasonCode.ClientIdentifierNotValid, Refusal(channel.HandleIn(Connect(clientId: "123456789"), OpenedAtMs)).ReasonCode);
        Assert.IsType<OpenSession>(New(MqttSettings.Default with { MaxClientIdLength = 8 }).HandleIn(Connect(clientId: "12345678"), OpenedAtMs).Command);
    }

    [Fact]
    public void MQTT_3_2_2_12_a_will_QoS_above_the_maximum_is_refused_with_0x9B()
    {
        var channel = New(MqttSettings.Default with { MaximumQoS = QualityOfService.AtLeastOnce });
        var will = new WillMessage { Topic = "will", QoS = QualityOfService.ExactlyOnce };

        Assert.Equal(ReasonCode.QoSNotSupported, Refusal(channel.HandleIn(Connect(will: will), OpenedAtMs)).ReasonCode);
    }

    [Fact]
    public void MQTT_3_2_2_13_a_retained_will_without_retain_available_is_refused_with_0x9A()
    {
        var channel = New(MqttSettings.Default with { RetainAvailable = false });
        var will = new WillMessage { Topic = "will", Retain = true };

        Assert.Equal(ReasonCode.RetainNotSupported, Refusal(channel.HandleIn(Connect(will: will), OpenedAtMs)).ReasonCode);
    }

    [Fact]
    public void A_will_topic_with_too_many_levels_is_refused_with_0x90()
    {
        var channel = New(MqttSettings.Default with { MaxTopicLevels = 3 });
        var will = new WillMessage { Topic = "a/b/c/d" };

        Assert.Equal(ReasonCode.TopicNameInvalid, Refusal(channel.HandleIn(Connect(will: will), OpenedAtMs)).ReasonCode);
    }

    [Fact]
    public void An_accepted_will_reaches_the_session()
    {
        var will = new WillMessage { Topic = "will", Payload = new byte[] { 1, 2 }, QoS = QualityOfService.AtLeastOnce };
        var result = New().HandleIn(Connect(will: will), OpenedAtMs);

        Assert.Same(will, Assert.IsType<OpenSession>(result.Command).Request.Will);
    }

    [Fact]
    public void MQTT_4_12_0_1_an_authentication_method_is_refused_with_0x8C()
    {
        var channel = New();
        var result = channel.HandleIn(Connect(properties: new MqttProperties { AuthenticationMethod = "SCRAM-SHA-1" }), OpenedAtMs);

        Assert.Equal(ReasonCode.BadAuthenticationMethod, Refusal(result).ReasonCode);
    }

    [Fact]
    public void MQTT_3_1_0_2_a_second_CONNECT_is_a_protocol_error()
    {
        var (channel, _) = Connected();
        var result = channel.HandleIn(Connect(), OpenedAtMs);

        Assert.Equal(ReasonCode.ProtocolError, Disconnect(result, channel).ReasonCode);
        Assert.Equal(CloseCause.ProtocolError, result.Close!.Cause);
    }

    [Fact]
    public void MQTT_3_1_0_2_a_second_CONNECT_from_a_3_1_1_client_closes_without_a_packet()
    {
        var (channel, _) = Connected(version: MqttProtocolVersion.V311);
        var result = channel.HandleIn(Connect(MqttProtocolVersion.V311), OpenedAtMs);

        Assert.Null(result.Reply);
        Assert.Equal(DisconnectKind.Abnormal, result.Close!.Kind);
    }

    [Fact]
    public void MQTT_3_1_0_1_a_first_packet_other_than_CONNECT_closes_without_a_reply()
    {
        var channel = New();
        var result = channel.HandleIn(PingReqPacket.Instance, OpenedAtMs);

        Assert.Null(result.Reply);
        Assert.Equal(CloseCause.ProtocolError, result.Close!.Cause);
        Assert.Equal(ChannelState.Closed, channel.State);
    }

    [Fact]
    public void MQTT_3_1_4_6_nothing_after_a_refused_CONNECT_is_processed()
    {
        var channel = New();
        channel.HandleIn(Connect(properties: new MqttProperties { AuthenticationMethod = "x" }), OpenedAtMs);

        Assert.Equal(ChannelResult.None, channel.HandleIn(PingReqPacket.Instance, OpenedAtMs));
        Assert.Equal(ChannelResult.None, channel.HandleIn(Connect(), OpenedAtMs));
    }

    [Fact]
    public void Generated_client_ids_are_prefixed_and_distinct()
    {
        var first = ClientIdentifiers.New();
        var second = ClientIdentifiers.New();

        Assert.StartsWith(ClientIdentifiers.AssignedPrefix, first);
        Assert.Equal(ClientIdentifiers.AssignedPrefix.Length + 26, first.Length);
        Assert.Matches("^auto-[a-z2-7]{26}$", first);
        Assert.NotEqual(first, second);
    }
}
