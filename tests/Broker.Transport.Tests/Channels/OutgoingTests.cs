using System.Buffers;
using Broker.Core.Sessions;
using Broker.Mqtt;
using Broker.Mqtt.Codec;
using Broker.Mqtt.Packets;
using Broker.Mqtt.Properties;
using Broker.Transport.Channels;
using static Broker.Transport.Tests.Channels.Support.Channels;

namespace Broker.Transport.Tests.Channels;

/// <summary>The channel's outbound part, packet by packet in the order the writer takes them: which may go, and how.</summary>
public sealed class OutgoingTests
{
    [Fact]
    public void MQTT_3_2_0_1_nothing_but_the_CONNACK_goes_before_a_successful_CONNACK()
    {
        var (channel, open) = Connected();

        Assert.Equal(OutgoingDrop.BeforeConnAck, channel.HandleOut(Publish("a")).Drop);
        Assert.Equal(OutgoingDrop.BeforeConnAck, channel.HandleOut(PingRespPacket.Instance).Drop);

        Assert.Same(open.ConnAck, channel.HandleOut(open.ConnAck).Packet);
        Assert.Equal(MqttProtocolVersion.V500, channel.OutgoingVersion);
        Assert.NotNull(channel.HandleOut(Publish("a")).Packet);
    }

    [Fact]
    public void MQTT_3_14_0_1_no_DISCONNECT_before_a_successful_CONNACK()
    {
        var (channel, open) = Connected();

        var result = channel.HandleOut(new DisconnectPacket { ReasonCode = ReasonCode.SessionTakenOver });

        Assert.Equal(OutgoingResult.Dropped(OutgoingDrop.BeforeConnAck), result);
        // The dropped DISCONNECT ended nothing: the CONNACK and what follows it still go.
        Assert.NotNull(channel.HandleOut(open.ConnAck).Packet);
        Assert.NotNull(channel.HandleOut(PingRespPacket.Instance).Packet);
    }

    [Fact]
    public void MQTT_3_2_0_2_a_second_CONNACK_is_not_sent()
    {
        var (channel, open) = ConnAckSent();

        Assert.Equal(OutgoingDrop.SecondConnAck, channel.HandleOut(open.ConnAck).Drop);
    }

    [Fact]
    public void MQTT_3_2_2_7_nothing_follows_a_refusing_CONNACK()
    {
        var channel = New();
        var refusal = channel.HandleIn(Connect(properties: new MqttProperties { AuthenticationMethod = "SCRAM" }), OpenedAtMs).Reply!;

        Assert.Same(refusal, channel.HandleOut(refusal).Packet);
        Assert.Equal(OutgoingDrop.AfterClose, channel.HandleOut(PingRespPacket.Instance).Drop);
        Assert.Equal(OutgoingDrop.AfterClose, channel.HandleOut(new DisconnectPacket { ReasonCode = ReasonCode.ServerShuttingDown }).Drop);
    }

    [Fact]
    public void MQTT_3_1_2_2_the_CONNACK_refusing_an_unknown_protocol_level_is_written_in_the_3_1_1_layout()
    {
        var channel = New();
        var refusal = channel.HandleDecodeError(
            new MqttDecodeError(ReasonCode.UnsupportedProtocolVersion, PacketType.Connect, "level 6"), MqttProtocolVersion.Unknown).Reply!;

        Assert.Same(refusal, channel.HandleOut(refusal).Packet);
        Assert.Equal(MqttProtocolVersion.V311, channel.OutgoingVersion);
    }

    [Fact]
    public void MQTT_3_14_4_1_nothing_follows_a_DISCONNECT()
    {
        var (channel, _) = ConnAckSent();
        var disconnect = new DisconnectPacket { ReasonCode = ReasonCode.SessionTakenOver };

        Assert.Same(disconnect, channel.HandleOut(disconnect).Packet);
        Assert.Equal(OutgoingDrop.AfterClose, channel.HandleOut(Publish("a")).Drop);
        Assert.Equal(OutgoingDrop.AfterClose, channel.HandleOut(disconnect).Drop);
    }

    [Fact]
    public void A_3_x_client_is_never_sent_DISCONNECT()
    {
        var (channel, _) = ConnAckSent(version: MqttProtocolVersion.V311);

        Assert.Equal(OutgoingDrop.NotInProtocol, channel.HandleOut(new DisconnectPacket { ReasonCode = ReasonCode.ServerShuttingDown }).Drop);
        Assert.Equal(MqttProtocolVersion.V311, channel.OutgoingVersion);
    }

    [Fact]
    public void Acknowledgements_pass_unchanged()
    {
        var (channel, _) = ConnAckSent(properties: new MqttProperties { MaximumPacketSize = 1024, TopicAliasMaximum = 4 });
        var ack = new PubAckPacket { PacketId = 7 };

        Assert.Same(ack, channel.HandleOut(ack).Packet);
        Assert.Same(PingRespPacket.Instance, channel.HandleOut(PingRespPacket.Instance).Packet);
    }

    [Fact]
    public void The_first_PUBLISH_to_a_topic_carries_the_topic_and_a_new_alias_later_ones_the_alias_alone()
    {
        var (channel, _) = ConnAckSent(properties: new MqttProperties { TopicAliasMaximum = 2 });

        var first = Sent(channel, Publish("long/topic/name"));
        var second = Sent(channel, Publish("long/topic/name"));

        Assert.Equal(("long/topic/name", (ushort?)1), (first.Topic, first.Properties.TopicAlias));
        Assert.Equal(("", (ushort?)1), (second.Topic, second.Properties.TopicAlias));
    }

    [Fact]
    public void An_aliased_PUBLISH_keeps_its_other_properties_and_payload()
    {
        var (channel, _) = ConnAckSent(properties: new MqttProperties { TopicAliasMaximum = 5 });
        var publish = Publish("t") with { Properties = new MqttProperties { ContentType = "json", SubscriptionIdentifiers = [4] } };

        var sent = Sent(channel, publish);

        Assert.Equal((ushort?)1, sent.Properties.TopicAlias);
        Assert.Equal("json", sent.Properties.ContentType);
        Assert.Equal([4], sent.Properties.SubscriptionIdentifiers);
        Assert.Equal(publish.Payload.ToArray(), sent.Payload.ToArray());
    }

    [Fact]
    public void MQTT_3_1_2_30_no_alias_for_a_client_that_granted_none_nor_for_3_x()
    {
        var (v5, _) = ConnAckSent();
        var (v311, _) = ConnAckSent(version: MqttProtocolVersion.V311);
        var publish = Publish("a/b");

        Assert.Same(publish, v5.HandleOut(publish).Packet);
        Assert.Same(publish, v311.HandleOut(publish).Packet);
    }

    [Fact]
    public void MQTT_3_1_2_25_a_PUBLISH_larger_than_the_client_maximum_is_dropped_one_that_fits_exactly_goes()
    {
        var fits = Publish("a/b", payloadLength: 100);
        var maximum = (uint)MqttEncoder.GetSize(fits, MqttProtocolVersion.V500);
        var (channel, _) = ConnAckSent(properties: new MqttProperties { MaximumPacketSize = maximum });

        Assert.Same(fits, channel.HandleOut(fits).Packet);
        Assert.Equal(OutgoingResult.Dropped(OutgoingDrop.TooLarge), channel.HandleOut(Publish("a/b", payloadLength: 101)));
    }

    [Fact]
    public void MQTT_3_1_2_24_a_new_alias_that_would_make_a_PUBLISH_too_large_is_not_assigned()
    {
        var full = Publish("a/b", payloadLength: 100);
        var maximum = (uint)MqttEncoder.GetSize(full, MqttProtocolVersion.V500);
        var (channel, _) = ConnAckSent(properties: new MqttProperties { MaximumPacketSize = maximum, TopicAliasMaximum = 2 });

        // With an alias it would be 3 bytes larger than the maximum: it goes in full, without one.
        Assert.Same(full, channel.HandleOut(full).Packet);

        // Nothing was assigned: a smaller PUBLISH to the topic gets alias 1 with the topic, then the alias alone.
        var small = Sent(channel, Publish("a/b"));
        Assert.Equal(("a/b", (ushort?)1), (small.Topic, small.Properties.TopicAlias));
        var next = Sent(channel, Publish("a/b"));
        Assert.Equal(("", (ushort?)1), (next.Topic, next.Properties.TopicAlias));
    }

    [Fact]
    public void MQTT_3_1_2_24_a_known_alias_longer_than_its_topic_is_not_used_when_the_topic_alone_fits()
    {
        var full = Publish("t", payloadLength: 100);
        var maximum = (uint)MqttEncoder.GetSize(full, MqttProtocolVersion.V500);
        var (channel, _) = ConnAckSent(properties: new MqttProperties { MaximumPacketSize = maximum, TopicAliasMaximum = 2 });
        Assert.Equal((ushort?)1, Sent(channel, Publish("t")).Properties.TopicAlias);

        // The alias (3 bytes) costs more than the one-character topic it replaces.
        Assert.Same(full, channel.HandleOut(full).Packet);
        var small = Sent(channel, Publish("t"));
        Assert.Equal(("", (ushort?)1), (small.Topic, small.Properties.TopicAlias));
    }

    [Fact]
    public void MQTT_3_14_2_3_a_DISCONNECT_too_large_for_the_client_goes_without_its_reason_string()
    {
        // Room for the CONNACK, which goes first, not for the reason string.
        var (channel, _) = ConnAckSent(properties: new MqttProperties { MaximumPacketSize = 64 });
        var reason = new MqttProperties { ReasonString = new string('x', 64) };

        var sent = channel.HandleOut(new DisconnectPacket { ReasonCode = ReasonCode.SessionTakenOver, Properties = reason });

        var disconnect = Assert.IsType<DisconnectPacket>(sent.Packet);
        Assert.Equal(ReasonCode.SessionTakenOver, disconnect.ReasonCode);
        Assert.Null(disconnect.Properties.ReasonString);
        Assert.Equal(OutgoingDrop.AfterClose, channel.HandleOut(PingRespPacket.Instance).Drop);
    }

    [Fact]
    public void MQTT_3_1_2_24_other_packets_too_large_for_the_client_are_dropped()
    {
        var (channel, _) = ConnAckSent(properties: new MqttProperties { MaximumPacketSize = 64 });
        var subAck = new SubAckPacket { PacketId = 1, ReasonCodes = Enumerable.Repeat(ReasonCode.GrantedQoS1, 64).ToArray() };

        Assert.Equal(OutgoingDrop.TooLarge, channel.HandleOut(subAck).Drop);
        Assert.NotNull(channel.HandleOut(PingRespPacket.Instance).Packet);
    }

    /// <summary>A channel that has accepted CONNECT and let its CONNACK go.</summary>
    private static (MqttChannel Channel, OpenSession Open) ConnAckSent(
        MqttProtocolVersion version = MqttProtocolVersion.V500, MqttProperties? properties = null)
    {
        var (channel, open) = Connected(version: version, properties: properties);
        Assert.Same(open.ConnAck, channel.HandleOut(open.ConnAck).Packet);
        return (channel, open);
    }

    private static PublishPacket Sent(MqttChannel channel, PublishPacket publish) =>
        Assert.IsType<PublishPacket>(channel.HandleOut(publish).Packet);

    private static PublishPacket Publish(string topic, int payloadLength = 2) =>
        new() { Topic = topic, Payload = new ReadOnlySequence<byte>(new byte[payloadLength]) };
}
