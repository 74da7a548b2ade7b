using Broker.Core.Messaging;
using Broker.Core.Sessions;
using Broker.Core.Tests.Sessions.Support;
using Broker.Mqtt;
using Broker.Mqtt.Packets;
using static Broker.Core.Tests.Sessions.Support.SessionHarness;

namespace Broker.Core.Tests.Sessions;

/// <summary>The outgoing window: acknowledgements, Receive Maximum, resending on reconnection and 3.x retry.</summary>
public class SessionStateAcknowledgementTests
{
    [Fact]
    public void MQTT_3_3_4_9_no_more_unacknowledged_publishes_than_the_clients_receive_maximum()
    {
        var session = new SessionHarness(receiveMaximum: 2);
        session.Subscribe("t/#");
        for (var i = 0; i < 5; i++)
        {
            session.Deliver(Message(topic: $"t/{i}"));
        }

        Assert.Equal(["t/0", "t/1"], session.SentPublishes().Select(p => p.Topic));
        Assert.Equal(3, session.State.QueueLength);

        session.Ack(new PubAckPacket { PacketId = 1 });
        Assert.Equal(["t/2"], session.SentPublishes().Select(p => p.Topic));
    }

    [Fact]
    public void The_window_is_also_bounded_by_max_inflight()
    {
        var session = new SessionHarness(MqttSettings.Default with { MaxInflight = 1 });
        session.Subscribe("t/#");
        session.Deliver(Message(topic: "t/a"));
        session.Deliver(Message(topic: "t/b"));
        Assert.Single(session.SentPublishes());
        Assert.Equal(1, session.State.InflightCapacityNow);
    }

    [Fact]
    public void QoS_2_goes_PUBLISH_PUBREC_PUBREL_PUBCOMP_and_then_frees_the_slot()
    {
        var session = new SessionHarness(receiveMaximum: 1);
        session.Subscribe("t/#");
        session.Deliver(Message(topic: "t/a", qos: QualityOfService.ExactlyOnce));
        session.Deliver(Message(topic: "t/b", qos: QualityOfService.ExactlyOnce));
        var first = session.SentPublishes().Single();

        session.Ack(new PubRecPacket { PacketId = first.PacketId });
        Assert.Equal(first.PacketId, Assert.IsType<PubRelPacket>(session.Sent().Single()).PacketId);
        Assert.Equal(1, session.State.InflightCount);

        session.Ack(new PubCompPacket { PacketId = first.PacketId });
        Assert.Equal("t/b", session.SentPublishes().Single().Topic);
    }

    [Fact]
    public void A_PUBREC_with_a_failure_code_ends_the_exchange_without_PUBREL()
    {
        var session = new SessionHarness();
        session.Subscribe("t/#");
        session.Deliver(Message(qos: QualityOfService.ExactlyOnce));
        var id = session.SentPublishes().Single().PacketId;

        session.Ack(new PubRecPacket { PacketId = id, ReasonCode = ReasonCode.QuotaExceeded });

        Assert.Empty(session.Sent());
        Assert.Equal(0, session.State.InflightCount);
    }

    [Fact]
    public void A_PUBREC_for_an_unknown_id_is_answered_PUBREL_0x92_on_5_0()
    {
        var session = new SessionHarness();
        session.Ack(new PubRecPacket { PacketId = 77 });
        var rel = Assert.IsType<PubRelPacket>(session.Sent().Single());
        Assert.Equal((77, ReasonCode.PacketIdentifierNotFound), (rel.PacketId, rel.ReasonCode));
    }

    [Fact]
    public void Unknown_PUBACK_and_PUBCOMP_are_ignored()
    {
        var session = new SessionHarness();
        session.Subscribe("t/#");
        session.Deliver(Message(qos: QualityOfService.ExactlyOnce));
        var id = session.SentPublishes().Single().PacketId;

        session.Ack(new PubAckPacket { PacketId = id }); // a PUBACK does not end a QoS 2 exchange
        session.Ack(new PubCompPacket { PacketId = id }); // nor a PUBCOMP before PUBREC
        session.Ack(new PubAckPacket { PacketId = 500 });

        Assert.Empty(session.Sent());
        Assert.Equal(1, session.State.InflightCount);
    }

    [Fact]
    public void MQTT_4_4_0_1_on_reconnection_unacknowledged_PUBLISH_are_resent_with_DUP_in_order_and_PUBREL_for_those_past_PUBREC()
    {
        var session = new SessionHarness();
        session.Subscribe("t/#");
        session.Deliver(Message(topic: "t/a", qos: QualityOfService.AtLeastOnce));
        session.Deliver(Message(topic: "t/b", qos: QualityOfService.ExactlyOnce));
        session.Deliver(Message(topic: "t/c", qos: QualityOfService.ExactlyOnce));
        var first = session.SentPublishes();
        session.Ack(new PubRecPacket { PacketId = first[1].PacketId });
        session.Detach();
        session.Deliver(Message(topic: "t/queued"));

        session.Attach();
        var sent = session.Sent();

        Assert.Collection(
            sent,
            p => Assert.Equal(("t/a", first[0].PacketId, true), Publish(p)),
            p => Assert.Equal(first[1].PacketId, Assert.IsType<PubRelPacket>(p).PacketId),
            p => Assert.Equal(("t/c", first[2].PacketId, true), Publish(p)),
            p => Assert.Equal(("t/queued", (ushort)4, false), Publish(p)));
    }

    [Fact]
    public void A_3_1_1_client_gets_unacknowledged_messages_again_after_the_retry_interval()
    {
        var settings = MqttSettings.Default with { RetryInterval = TimeSpan.FromSeconds(30) };
        var session = new SessionHarness(settings, MqttProtocolVersion.V311);
        session.Subscribe("t/#");
        session.Deliver(Message());
        var id = session.SentPublishes().Single().PacketId;
        Assert.Equal(session.NowMs + 30_000, session.State.NextRetryDueMs());

        session.NowMs += 29_999;
        session.Timeout(SessionTimer.Retry);
        Assert.Empty(session.Sent());

        session.NowMs += 1;
        session.Timeout(SessionTimer.Retry);
        Assert.Equal((id, true), Assert.IsType<PublishPacket>(session.Sent().Single()) is var p ? (p.PacketId, p.Dup) : default);
    }

    [Fact]
    public void MQTT_4_4_0_1_a_5_0_client_gets_no_resend_on_a_live_connection()
    {
        var session = new SessionHarness();
        session.Subscribe("t/#");
        session.Deliver(Message());
        session.Sent();
        session.NowMs += 3_600_000;
        session.Timeout(SessionTimer.Retry);
        Assert.Empty(session.Sent());
        Assert.Null(session.State.NextRetryDueMs());
    }

    [Fact]
    public void Detach_returns_shared_messages_not_yet_received_and_keeps_the_others()
    {
        var session = new SessionHarness(receiveMaximum: 2);
        session.Subscribe("$share/g/t/#");
        session.Subscribe("t/#");
        session.Deliver(Message(topic: "t/shared-inflight"), filter: "$share/g/t/#", shareGroup: "g");
        session.Deliver(Message(topic: "t/own-inflight"));
        session.Deliver(Message(topic: "t/shared-queued"), filter: "$share/g/t/#", shareGroup: "g");
        session.Deliver(Message(topic: "t/own-queued"));

        var redispatch = session.Detach();

        Assert.Equal(["t/shared-inflight", "t/shared-queued"], redispatch.Select(r => r.Message.Topic));
        Assert.All(redispatch, r => Assert.Equal(("g", "$share/g/t/#"), (r.ShareGroup, r.Filter)));
        Assert.Equal(1, session.State.InflightCount);
        Assert.Equal(1, session.State.QueueLength);
    }

    private static (string Topic, ushort PacketId, bool Dup) Publish(MqttPacket packet)
    {
        var publish = Assert.IsType<PublishPacket>(packet);
        return (publish.Topic, publish.PacketId, publish.Dup);
    }
}
