using System.Buffers;
using Broker.Core.Messaging;
using Broker.Core.Sessions;
using Broker.Mqtt;
using Broker.Mqtt.Packets;
using Broker.Mqtt.Properties;
using Broker.Transport.Channels;
using static Broker.Transport.Tests.Channels.Support.Channels;

namespace Broker.Transport.Tests.Channels;

/// <summary>PUBLISH: topic aliases, the broker's limits, and the message handed to the session.</summary>
public sealed class PublishTests
{
    private const long NowMs = 2_000_000;

    [Fact]
    public void A_PUBLISH_becomes_a_ClientPublish_with_a_copied_payload()
    {
        var (channel, _) = Connected();
        var buffer = new byte[] { 1, 2, 3 };
        var publish = new PublishPacket
        {
            Topic = "a/b",
            QoS = QualityOfService.AtLeastOnce,
            PacketId = 7,
            Retain = true,
            Payload = new ReadOnlySequence<byte>(buffer),
            Properties = new MqttProperties { ContentType = "text/plain", MessageExpiryInterval = 60 },
        };

        var result = channel.HandleIn(publish, NowMs);
        buffer[0] = 99; // the receive buffer is reused once the reader advances

        var forwarded = Assert.IsType<ClientPublish>(result.Command);
        Assert.Equal(7, forwarded.PacketId);
        var message = forwarded.Message;
        Assert.Equal("a/b", message.Topic);
        Assert.Equal(new byte[] { 1, 2, 3 }, message.Payload.ToArray());
        Assert.Equal(QualityOfService.AtLeastOnce, message.QoS);
        Assert.True(message.Retain);
        Assert.Equal("text/plain", message.Properties.ContentType);
        Assert.Equal(60u, message.Properties.MessageExpiryInterval);
        Assert.Equal("client-1", message.PublisherId);
        Assert.Equal(NowMs, message.ReceivedAtMs);
        Assert.Null(result.Reply);
        Assert.Null(result.Close);
    }

    [Fact]
    public void Every_PUBLISH_gets_its_own_non_zero_message_id()
    {
        var (channel, _) = Connected();

        var first = Message(channel.HandleIn(Publish("a"), NowMs)).Id;
        var second = Message(channel.HandleIn(Publish("a"), NowMs)).Id;

        Assert.NotEqual(0, first);
        Assert.NotEqual(0, second);
        Assert.NotEqual(first, second);
    }

    [Fact]
    public void MQTT_3_3_2_12_a_topic_alias_is_set_by_topic_and_alias_and_used_by_alias_alone()
    {
        var (channel, _) = Connected();

        var first = channel.HandleIn(Publish("sensors/1/temp", alias: 3), NowMs);
        var second = channel.HandleIn(Publish("", alias: 3), NowMs);

        Assert.Equal("sensors/1/temp", Message(first).Topic);
        Assert.Equal("sensors/1/temp", Message(second).Topic);
        // MQTT-3.3.2-7: the alias belongs to this connection, never to the message.
        Assert.Null(Message(first).Properties.TopicAlias);
        Assert.Null(Message(second).Properties.TopicAlias);
    }

    [Fact]
    public void A_topic_alias_can_be_remapped()
    {
        var (channel, _) = Connected();
        channel.HandleIn(Publish("one", alias: 1), NowMs);
        channel.HandleIn(Publish("two", alias: 1), NowMs);

        Assert.Equal("two", Message(channel.HandleIn(Publish("", alias: 1), NowMs)).Topic);
    }

    [Fact]
    public void The_highest_alias_granted_is_accepted()
    {
        var (channel, _) = Connected(MqttSettings.Default with { TopicAliasMaximum = 10 });

        Assert.Equal("t", Message(channel.HandleIn(Publish("t", alias: 10), NowMs)).Topic);
    }

    [Fact]
    public void MQTT_3_2_2_17_a_topic_alias_above_the_maximum_granted_is_0x94()
    {
        var (channel, _) = Connected(MqttSettings.Default with { TopicAliasMaximum = 10 });

        var result = channel.HandleIn(Publish("t", alias: 11), NowMs);

        Assert.Equal(ReasonCode.TopicAliasInvalid, Disconnect(result, channel).ReasonCode);
    }

    [Fact]
    public void A_topic_alias_when_none_was_granted_is_0x94()
    {
        var (channel, _) = Connected(MqttSettings.Default with { TopicAliasMaximum = 0 });

        Assert.Equal(ReasonCode.TopicAliasInvalid, Disconnect(channel.HandleIn(Publish("t", alias: 1), NowMs), channel).ReasonCode);
    }

    [Fact]
    public void MQTT_3_3_2_8_topic_alias_0_is_0x94()
    {
        var (channel, _) = Connected();

        Assert.Equal(ReasonCode.TopicAliasInvalid, Disconnect(channel.HandleIn(Publish("t", alias: 0), NowMs), channel).ReasonCode);
    }

    [Fact]
    public void An_empty_topic_with_an_alias_never_set_is_a_protocol_error()
    {
        var (channel, _) = Connected();

        var result = channel.HandleIn(Publish("", alias: 4), NowMs);

        Assert.Equal(ReasonCode.ProtocolError, Disconnect(result, channel).ReasonCode);
        Assert.Equal(CloseCause.ProtocolError, result.Close!.Cause);
    }

    [Fact]
    public void A_topic_with_more_levels_than_the_maximum_is_0x90()
    {
        var (channel, _) = Connected(MqttSettings.Default with { MaxTopicLevels = 3 });

        Assert.IsType<ClientPublish>(channel.HandleIn(Publish("a/b/c"), NowMs).Command);
        Assert.Equal(ReasonCode.TopicNameInvalid, Disconnect(channel.HandleIn(Publish("a/b/c/d"), NowMs), channel).ReasonCode);
    }

    [Fact]
    public void MQTT_3_2_2_11_a_PUBLISH_above_the_maximum_QoS_is_0x9B()
    {
        var (channel, _) = Connected(MqttSettings.Default with { MaximumQoS = QualityOfService.AtLeastOnce });

        var result = channel.HandleIn(Publish("t", qos: QualityOfService.ExactlyOnce), NowMs);

        Assert.Equal(ReasonCode.QoSNotSupported, Disconnect(result, channel).ReasonCode);
    }

    [Fact]
    public void MQTT_3_2_2_14_a_retained_PUBLISH_without_retain_available_is_0x9A()
    {
        var (channel, _) = Connected(MqttSettings.Default with { RetainAvailable = false });

        var result = channel.HandleIn(Publish("t") with { Retain = true }, NowMs);

        Assert.Equal(ReasonCode.RetainNotSupported, Disconnect(result, channel).ReasonCode);
    }

    [Fact]
    public void A_3_1_1_client_breaking_a_limit_is_closed_without_a_packet()
    {
        var (channel, _) = Connected(MqttSettings.Default with { MaximumQoS = QualityOfService.AtMostOnce }, MqttProtocolVersion.V311);

        var result = channel.HandleIn(Publish("t", qos: QualityOfService.AtLeastOnce), NowMs);

        Assert.Null(result.Reply);
        Assert.Equal(ReasonCode.QoSNotSupported, result.Close!.Reason);
        Assert.Equal(DisconnectKind.Abnormal, result.Close.Kind);
    }

    [Fact]
    public void In_strict_mode_a_payload_marked_UTF_8_that_is_not_is_0x99()
    {
        var (channel, _) = Connected(MqttSettings.Default with { StrictMode = true });
        var utf8 = new MqttProperties { PayloadFormatIndicator = PayloadFormatIndicator.Utf8 };

        Assert.IsType<ClientPublish>(channel.HandleIn(Publish("t", payload: "héllo"u8.ToArray()) with { Properties = utf8 }, NowMs).Command);
        var result = channel.HandleIn(Publish("t", payload: [0xC3, 0x28]) with { Properties = utf8 }, NowMs);

        Assert.Equal(ReasonCode.PayloadFormatInvalid, Disconnect(result, channel).ReasonCode);
    }

    [Fact]
    public void Without_strict_mode_the_payload_is_not_checked()
    {
        var (channel, _) = Connected();
        var utf8 = new MqttProperties { PayloadFormatIndicator = PayloadFormatIndicator.Utf8 };

        Assert.IsType<ClientPublish>(channel.HandleIn(Publish("t", payload: [0xC3, 0x28]) with { Properties = utf8 }, NowMs).Command);
    }

    [Fact]
    public void Acknowledgements_are_forwarded_to_the_session()
    {
        var (channel, _) = Connected();
        PublishAcknowledgement[] acks = [new PubAckPacket { PacketId = 1 }, new PubRecPacket { PacketId = 2 }, new PubRelPacket { PacketId = 3 }, new PubCompPacket { PacketId = 4 }];

        foreach (var ack in acks)
        {
            Assert.Same(ack, Assert.IsType<ClientAcknowledgement>(channel.HandleIn(ack, NowMs).Command).Packet);
        }
    }

    [Fact]
    public void MQTT_3_12_4_1_PINGREQ_is_answered_with_PINGRESP()
    {
        var (channel, _) = Connected();

        var result = channel.HandleIn(PingReqPacket.Instance, NowMs);

        Assert.Same(PingRespPacket.Instance, result.Reply);
        Assert.Null(result.Command);
        Assert.Null(result.Close);
    }

    private static PublishPacket Publish(string topic, ushort? alias = null, QualityOfService qos = QualityOfService.AtMostOnce, byte[]? payload = null) => new()
    {
        Topic = topic,
        QoS = qos,
        PacketId = qos == QualityOfService.AtMostOnce ? (ushort)0 : (ushort)1,
        Payload = new ReadOnlySequence<byte>(payload ?? [1]),
        Properties = alias is null ? MqttProperties.Empty : new MqttProperties { TopicAlias = alias },
    };

    private static ApplicationMessage Message(ChannelResult result) => Assert.IsType<ClientPublish>(result.Command).Message;
}
