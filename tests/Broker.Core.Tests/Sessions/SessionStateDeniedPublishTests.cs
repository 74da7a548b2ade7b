using Broker.Core.Messaging;
using Broker.Core.Sessions;
using Broker.Core.Tests.Sessions.Support;
using Broker.Mqtt;
using Broker.Mqtt.Packets;
using static Broker.Core.Tests.Sessions.Support.SessionHarness;

namespace Broker.Core.Tests.Sessions;

/// <summary>PUBLISH that authorization refused: routed nowhere, acknowledged in its place among the others.</summary>
public class SessionStateDeniedPublishTests
{
    [Theory]
    [InlineData(QualityOfService.AtMostOnce)]
    [InlineData(QualityOfService.AtLeastOnce)]
    [InlineData(QualityOfService.ExactlyOnce)]
    public void A_denied_publish_is_routed_nowhere_and_counted(QualityOfService qos)
    {
        var session = new SessionHarness();
        session.HandlePublish(Message(qos: qos), 3, denied: true);

        Assert.Empty(session.Published);
        Assert.Equal(1, session.Metrics.Dropped(DropReason.NotAuthorized));
    }

    [Fact]
    public void On_5_0_QoS_1_gets_PUBACK_0x87_and_QoS_2_a_PUBREC_0x87_that_ends_the_exchange()
    {
        var session = new SessionHarness();
        session.HandlePublish(Message(qos: QualityOfService.AtLeastOnce), 1, denied: true);
        session.HandlePublish(Message(qos: QualityOfService.ExactlyOnce), 2, denied: true);

        var sent = session.Sent();
        Assert.Equal((1, ReasonCode.NotAuthorized), (Assert.IsType<PubAckPacket>(sent[0]).PacketId, ((PubAckPacket)sent[0]).ReasonCode));
        Assert.Equal((2, ReasonCode.NotAuthorized), (Assert.IsType<PubRecPacket>(sent[1]).PacketId, ((PubRecPacket)sent[1]).ReasonCode));
        Assert.Equal(0, session.State.AwaitingRelCount);
    }

    [Fact]
    public void On_3_1_1_it_is_acknowledged_as_usual_and_a_QoS_2_one_completes_with_PUBREL()
    {
        var session = new SessionHarness(version: MqttProtocolVersion.V311);
        session.HandlePublish(Message(qos: QualityOfService.AtLeastOnce), 1, denied: true);
        session.HandlePublish(Message(qos: QualityOfService.ExactlyOnce), 2, denied: true);
        session.HandlePublish(Message(qos: QualityOfService.ExactlyOnce), 2, denied: true);

        var sent = session.Sent();
        Assert.Equal(ReasonCode.Success, Assert.IsType<PubAckPacket>(sent[0]).ReasonCode);
        Assert.All(sent.Skip(1), p => Assert.Equal(2, Assert.IsType<PubRecPacket>(p).PacketId));
        Assert.Equal(1, session.State.AwaitingRelCount);

        session.Ack(new PubRelPacket { PacketId = 2 });
        Assert.Equal(ReasonCode.Success, Assert.IsType<PubCompPacket>(session.Sent().Single()).ReasonCode);
        Assert.Empty(session.Published);
    }

    [Fact]
    public void A_denied_resend_of_an_id_still_awaiting_PUBREL_is_answered_as_the_accepted_original()
    {
        var session = new SessionHarness();
        session.HandlePublish(Message(qos: QualityOfService.ExactlyOnce), 5);
        session.Sent();

        session.HandlePublish(Message(qos: QualityOfService.ExactlyOnce), 5, denied: true);

        Assert.Equal(ReasonCode.Success, Assert.IsType<PubRecPacket>(session.Sent().Single()).ReasonCode);
        Assert.Equal(1, session.State.AwaitingRelCount);
        Assert.Single(session.Published);
    }

    [Fact]
    public void MQTT_4_6_0_2_a_denied_publish_is_acknowledged_after_one_still_waiting_for_its_commit()
    {
        var self = new RecordingActor();
        var session = new SessionHarness(self: self);
        session.State.AcknowledgeAfterCommit = true;
        session.JoinCommits = true;
        session.HandlePublish(Message(qos: QualityOfService.AtLeastOnce), 1);
        session.HandlePublish(Message(qos: QualityOfService.AtLeastOnce), 2, denied: true);
        Assert.Empty(session.Sent());

        session.Commits[0].Succeed();
        session.PublishCommitted(Assert.IsType<PublishCommit>(Assert.Single(self.Told)));

        Assert.Equal([1, 2], session.Sent().Select(p => (int)Assert.IsType<PubAckPacket>(p).PacketId));
    }
}
