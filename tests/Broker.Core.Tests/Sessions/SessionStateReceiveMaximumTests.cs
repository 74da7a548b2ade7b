using Broker.Core.Messaging;
using Broker.Core.Tests.Sessions.Support;
using Broker.Mqtt;
using Broker.Mqtt.Packets;
using static Broker.Core.Tests.Sessions.Support.SessionHarness;

namespace Broker.Core.Tests.Sessions;

/// <summary>
/// The broker's Receive Maximum (3.2.2.3.3, 4.9): QoS 1/2 PUBLISH packets a 5.0 client has sent on its connection
/// without a PUBACK or PUBCOMP yet; one more is DISCONNECT 0x93 (3.3.4).
/// </summary>
public class SessionStateReceiveMaximumTests
{
    private static readonly MqttSettings ReceiveMaximum2 = MqttSettings.Default with { ReceiveMaximum = 2 };

    [Fact]
    public void MQTT_3_3_4_7_one_QoS_2_PUBLISH_more_than_the_receive_maximum_without_PUBCOMP_is_DISCONNECT_0x93()
    {
        var session = new SessionHarness(ReceiveMaximum2);
        Publish(session, QualityOfService.ExactlyOnce, 1, 2, 3);

        Assert.Equal(2, session.Published.Count);
        Assert.Equal([1, 2], session.Sent().OfType<PubRecPacket>().Select(p => (int)p.PacketId));
        Assert.Equal(ReasonCode.ReceiveMaximumExceeded, session.CloseReason);
        Assert.Equal(1, session.Metrics.ProtocolErrors);
    }

    [Fact]
    public void MQTT_3_3_4_7_QoS_1_PUBLISH_whose_PUBACK_waits_for_a_durable_commit_count_against_the_receive_maximum()
    {
        var session = new SessionHarness(ReceiveMaximum2);
        session.State.AcknowledgeAfterCommit = true;
        session.JoinCommits = true;
        Publish(session, QualityOfService.AtLeastOnce, 1, 2, 3);

        Assert.Empty(session.Sent());
        Assert.Equal(2, session.Published.Count);
        Assert.Equal(ReasonCode.ReceiveMaximumExceeded, session.CloseReason);
    }

    [Fact]
    public void MQTT_4_9_0_3_a_PUBACK_sent_once_the_commit_completes_gives_its_place_back()
    {
        var self = new RecordingActor();
        var session = new SessionHarness(ReceiveMaximum2, self: self);
        session.State.AcknowledgeAfterCommit = true;
        session.JoinCommits = true;
        Publish(session, QualityOfService.AtLeastOnce, 1, 2);

        var first = session.Commits[0];
        first.Succeed();
        session.PublishCommitted(Assert.IsType<PublishCommit>(Assert.Single(self.Told)));
        Assert.Equal(1, Assert.IsType<PubAckPacket>(Assert.Single(session.Sent())).PacketId);

        Publish(session, QualityOfService.AtLeastOnce, 3);
        Assert.False(session.Closed);
        Publish(session, QualityOfService.AtLeastOnce, 4);
        Assert.Equal(ReasonCode.ReceiveMaximumExceeded, session.CloseReason);
    }

    [Fact]
    public void MQTT_4_9_0_3_PUBCOMP_gives_a_QoS_2_place_back_and_PUBREC_does_not()
    {
        var session = new SessionHarness(ReceiveMaximum2);
        Publish(session, QualityOfService.ExactlyOnce, 1, 2);
        session.Ack(new PubRelPacket { PacketId = 1 });
        Publish(session, QualityOfService.ExactlyOnce, 3);
        Assert.False(session.Closed);

        Publish(session, QualityOfService.ExactlyOnce, 4);
        Assert.Equal(ReasonCode.ReceiveMaximumExceeded, session.CloseReason);
    }

    [Fact]
    public void MQTT_4_9_0_3_a_refusing_PUBREC_gives_the_place_back()
    {
        var self = new RecordingActor();
        var session = new SessionHarness(MqttSettings.Default with { ReceiveMaximum = 1 }, self: self);
        session.State.AcknowledgeAfterCommit = true;
        session.JoinCommits = true;
        Publish(session, QualityOfService.ExactlyOnce, 1);

        session.Commits[0].Fail();
        session.PublishCommitted(Assert.IsType<PublishCommit>(Assert.Single(self.Told)));
        Assert.Equal(ReasonCode.UnspecifiedError, Assert.IsType<PubRecPacket>(Assert.Single(session.Sent())).ReasonCode);

        Publish(session, QualityOfService.ExactlyOnce, 2);
        Assert.False(session.Closed);
    }

    [Fact]
    public void A_QoS_2_PUBLISH_sent_again_before_its_PUBREL_is_counted_once()
    {
        var session = new SessionHarness(MqttSettings.Default with { ReceiveMaximum = 1 });
        Publish(session, QualityOfService.ExactlyOnce, 5, 5);

        Assert.False(session.Closed);
        Assert.Equal(2, session.Sent().OfType<PubRecPacket>().Count());
    }

    [Fact]
    public void QoS_0_is_not_counted()
    {
        var session = new SessionHarness(MqttSettings.Default with { ReceiveMaximum = 1 });
        Publish(session, QualityOfService.ExactlyOnce, 1);
        Publish(session, QualityOfService.AtMostOnce, 0, 0);

        Assert.False(session.Closed);
        Assert.Equal(3, session.Published.Count);
    }

    [Fact]
    public void Each_connection_starts_with_the_whole_receive_maximum_and_releases_of_earlier_ones_give_nothing_back()
    {
        var session = new SessionHarness(ReceiveMaximum2);
        Publish(session, QualityOfService.ExactlyOnce, 1, 2);

        session.Attach();
        Publish(session, QualityOfService.ExactlyOnce, 3);
        session.Ack(new PubRelPacket { PacketId = 1 });
        session.Ack(new PubRelPacket { PacketId = 2 });
        Publish(session, QualityOfService.ExactlyOnce, 4);
        Assert.False(session.Closed);

        Publish(session, QualityOfService.ExactlyOnce, 5);
        Assert.Equal(ReasonCode.ReceiveMaximumExceeded, session.CloseReason);
    }

    [Fact]
    public void A_3_1_1_client_has_no_receive_maximum_and_is_bounded_by_max_awaiting_rel_alone()
    {
        var session = new SessionHarness(ReceiveMaximum2 with { MaxAwaitingRel = 3 }, MqttProtocolVersion.V311);
        Publish(session, QualityOfService.ExactlyOnce, 1, 2, 3);
        Assert.False(session.Closed);

        Publish(session, QualityOfService.ExactlyOnce, 4);
        Assert.True(session.Closed);
        Assert.Equal(3, session.Published.Count);
    }

    private static void Publish(SessionHarness session, QualityOfService qos, params ushort[] packetIds)
    {
        foreach (var id in packetIds)
        {
            session.HandlePublish(Message(qos: qos), id);
        }
    }
}
