using Broker.Core.Messaging;
using Broker.Core.Tests.Sessions.Support;
using Broker.Mqtt;
using Broker.Mqtt.Packets;
using static Broker.Core.Tests.Sessions.Support.SessionHarness;

namespace Broker.Core.Tests.Sessions;

/// <summary>PUBLISH and PUBREL from the client.</summary>
public class SessionStateInboundTests
{
    [Fact]
    public void QoS_0_is_routed_without_acknowledgement()
    {
        var session = new SessionHarness();
        session.HandlePublish(Message(qos: QualityOfService.AtMostOnce), 0);
        Assert.Single(session.Published);
        Assert.Empty(session.Sent());
    }

    [Theory]
    [InlineData(3, ReasonCode.Success)]
    [InlineData(0, ReasonCode.NoMatchingSubscribers)]
    public void QoS_1_is_routed_and_acknowledged_with_PUBACK(int deliveries, ReasonCode expected)
    {
        var session = new SessionHarness();
        session.PublishResult = deliveries;
        session.HandlePublish(Message(qos: QualityOfService.AtLeastOnce), 12);

        var ack = Assert.IsType<PubAckPacket>(session.Sent().Single());
        Assert.Equal((12, expected), (ack.PacketId, ack.ReasonCode));
        Assert.Single(session.Published);
    }

    [Fact]
    public void A_3_1_1_PUBACK_carries_no_reason_even_without_subscribers()
    {
        var session = new SessionHarness(version: MqttProtocolVersion.V311);
        session.PublishResult = 0;
        session.HandlePublish(Message(qos: QualityOfService.AtLeastOnce), 12);
        Assert.Equal(ReasonCode.Success, Assert.IsType<PubAckPacket>(session.Sent().Single()).ReasonCode);
    }

    [Fact]
    public void MQTT_4_3_3_10_a_duplicate_QoS_2_PUBLISH_is_acknowledged_again_but_routed_once()
    {
        var session = new SessionHarness();
        var message = Message(qos: QualityOfService.ExactlyOnce);

        session.HandlePublish(message, 5);
        session.HandlePublish(message, 5);

        Assert.Single(session.Published);
        Assert.All(session.Sent(), p => Assert.Equal(5, Assert.IsType<PubRecPacket>(p).PacketId));
        Assert.Equal(1, session.State.AwaitingRelCount);
    }

    [Fact]
    public void PUBREL_completes_the_QoS_2_exchange_and_the_id_may_carry_a_new_message()
    {
        var session = new SessionHarness();
        session.HandlePublish(Message(qos: QualityOfService.ExactlyOnce), 5);
        session.Sent();

        session.Ack(new PubRelPacket { PacketId = 5 });
        var comp = Assert.IsType<PubCompPacket>(session.Sent().Single());
        Assert.Equal((5, ReasonCode.Success), (comp.PacketId, comp.ReasonCode));

        session.HandlePublish(Message(qos: QualityOfService.ExactlyOnce), 5);
        Assert.Equal(2, session.Published.Count);
    }

    [Fact]
    public void A_PUBREL_for_an_unknown_id_is_answered_PUBCOMP_0x92_on_5_0()
    {
        var session = new SessionHarness();
        session.Ack(new PubRelPacket { PacketId = 9 });
        Assert.Equal(ReasonCode.PacketIdentifierNotFound, Assert.IsType<PubCompPacket>(session.Sent().Single()).ReasonCode);
    }

    [Fact]
    public void More_QoS_2_messages_awaiting_PUBREL_than_allowed_disconnects_with_0x93()
    {
        var session = new SessionHarness(MqttSettings.Default with { MaxAwaitingRel = 2 });
        session.HandlePublish(Message(qos: QualityOfService.ExactlyOnce), 1);
        session.HandlePublish(Message(qos: QualityOfService.ExactlyOnce), 2);
        session.HandlePublish(Message(qos: QualityOfService.ExactlyOnce), 3);

        Assert.Equal(2, session.Published.Count);
        Assert.Equal(ReasonCode.ReceiveMaximumExceeded, session.CloseReason);
        Assert.Equal(1, session.Metrics.ProtocolErrors);
    }

    [Fact]
    public void Ids_awaiting_PUBREL_are_forgotten_after_the_await_rel_timeout()
    {
        var session = new SessionHarness(MqttSettings.Default with { AwaitRelTimeout = TimeSpan.FromSeconds(10) });
        session.HandlePublish(Message(qos: QualityOfService.ExactlyOnce), 1);
        Assert.Equal(session.NowMs + 10_000, session.State.NextAwaitRelExpiryMs());

        Assert.Equal(0, session.State.ExpireAwaitingRel(session.NowMs + 9_999));
        Assert.Equal(1, session.State.ExpireAwaitingRel(session.NowMs + 10_000));
        Assert.Null(session.State.NextAwaitRelExpiryMs());
    }
}
