using Broker.Core.Routing;
using Broker.Core.Tests.Sessions.Support;
using Broker.Mqtt;
using Broker.Mqtt.Packets;
using static Broker.Core.Tests.Sessions.Support.SessionHarness;

namespace Broker.Core.Tests.Sessions;

/// <summary>
/// One delivery for several overlapping subscriptions becomes one PUBLISH: how the matches' options combine
/// (SessionState.Matches.cs), packet by packet.
/// </summary>
public class SessionStateOverlapTests
{
    private static readonly SubscriptionOptions QoS0 = new(QualityOfService.AtMostOnce);
    private static readonly SubscriptionOptions QoS1 = new(QualityOfService.AtLeastOnce);
    private static readonly SubscriptionOptions QoS2 = new(QualityOfService.ExactlyOnce);

    [Fact]
    public void MQTT_3_3_4_4_one_PUBLISH_carries_the_identifier_of_every_matching_subscription()
    {
        var session = new SessionHarness();
        session.Subscribe("a/+", QoS1, subscriptionId: 2);
        session.Subscribe("a/#", QoS1, subscriptionId: 3);
        session.Subscribe("a/b", QoS1);

        session.DeliverOverlapping(Message("a/b"), new("a/+", QoS1, 2), new("a/#", QoS1, 3), new("a/b", QoS1, 0));

        var publish = Assert.Single(session.SentPublishes());
        Assert.Equal([2, 3], publish.Properties.SubscriptionIdentifiers.Order());
    }

    [Theory]
    [InlineData(QualityOfService.ExactlyOnce, QualityOfService.AtLeastOnce)]
    [InlineData(QualityOfService.AtLeastOnce, QualityOfService.AtLeastOnce)]
    [InlineData(QualityOfService.AtMostOnce, QualityOfService.AtMostOnce)]
    public void MQTT_3_3_4_2_the_one_PUBLISH_goes_at_the_highest_granted_QoS_of_the_matches(QualityOfService published, QualityOfService expected)
    {
        var session = new SessionHarness();
        session.Subscribe("a/b", QoS0);
        session.Subscribe("a/#", QoS1);

        session.DeliverOverlapping(Message("a/b", published), new("a/b", QoS0, 0), new("a/#", QoS1, 0));

        Assert.Equal(expected, Assert.Single(session.SentPublishes()).QoS);
    }

    [Fact]
    public void MQTT_3_3_5_1_a_3_1_1_client_gets_one_PUBLISH_at_the_highest_QoS_and_no_properties()
    {
        var session = new SessionHarness(version: MqttProtocolVersion.V311);
        session.Subscribe("a/b", QualityOfService.AtMostOnce);
        session.Subscribe("a/+", QualityOfService.ExactlyOnce);

        session.DeliverOverlapping(Message("a/b", QualityOfService.ExactlyOnce), new("a/b", QoS0, 0), new("a/+", QoS2, 0));

        var publish = Assert.Single(session.SentPublishes());
        Assert.Equal(QualityOfService.ExactlyOnce, publish.QoS);
        Assert.Empty(publish.Properties.SubscriptionIdentifiers);
    }

    [Fact]
    public void MQTT_3_10_4_2_a_filter_unsubscribed_before_the_delivery_arrived_takes_its_identifier_and_QoS_with_it()
    {
        var session = new SessionHarness();
        session.Subscribe("a/+", QoS2, subscriptionId: 2);
        session.Subscribe("a/#", QoS0, subscriptionId: 3);
        session.Unsubscribe(new UnsubscribePacket { PacketId = 5, TopicFilters = ["a/+"] });
        session.Sent();

        session.DeliverOverlapping(Message("a/b", QualityOfService.ExactlyOnce), new("a/+", QoS2, 2), new("a/#", QoS0, 3));

        var publish = Assert.Single(session.SentPublishes());
        Assert.Equal(QualityOfService.AtMostOnce, publish.QoS);
        Assert.Equal([3], publish.Properties.SubscriptionIdentifiers);
    }

    [Fact]
    public void MQTT_3_10_4_2_nothing_is_sent_when_every_matching_filter_was_unsubscribed()
    {
        var session = new SessionHarness();
        session.Subscribe("x/#", QoS1);

        session.DeliverOverlapping(Message("a/b"), new("a/+", QoS1, 2), new("a/#", QoS1, 3));

        Assert.Empty(session.SentPublishes());
    }

    [Fact]
    public void A_message_queued_before_an_unsubscribe_keeps_what_it_matched_as_the_server_may_deliver_it()
    {
        var session = new SessionHarness(receiveMaximum: 1);
        session.Subscribe("a/+", QoS1, subscriptionId: 2);
        session.Subscribe("a/#", QoS1, subscriptionId: 3);
        session.DeliverOverlapping(Message("a/first"), new("a/+", QoS1, 2), new("a/#", QoS1, 3));
        session.DeliverOverlapping(Message("a/queued"), new("a/+", QoS1, 2), new("a/#", QoS1, 3));
        var first = Assert.Single(session.SentPublishes());

        session.Unsubscribe(new UnsubscribePacket { PacketId = 5, TopicFilters = ["a/+"] });
        session.Ack(new PubAckPacket { PacketId = first.PacketId });

        var queued = Assert.Single(session.SentPublishes());
        Assert.Equal("a/queued", queued.Topic);
        Assert.Equal([2, 3], queued.Properties.SubscriptionIdentifiers.Order());
    }

    [Theory]
    [InlineData(true, false, true)]
    [InlineData(false, true, true)]
    [InlineData(false, false, false)]
    public void MQTT_3_3_1_12_and_13_RETAIN_is_kept_when_any_match_asks_for_retain_as_published(bool first, bool second, bool expected)
    {
        var session = new SessionHarness();
        var one = QoS1 with { RetainAsPublished = first };
        var two = QoS1 with { RetainAsPublished = second };
        session.Subscribe("a/b", one);
        session.Subscribe("a/#", two);

        session.DeliverOverlapping(Message("a/b", retain: true), new("a/b", one, 0), new("a/#", two, 0));

        Assert.Equal(expected, Assert.Single(session.SentPublishes()).Retain);
    }

    [Fact]
    public void MQTT_3_8_3_3_a_no_local_match_adds_nothing_to_the_clients_own_message()
    {
        var session = new SessionHarness();
        var noLocal = QoS2 with { NoLocal = true };
        session.Subscribe("a/#", noLocal, subscriptionId: 1);
        session.Subscribe("a/b", QoS0, subscriptionId: 2);

        session.DeliverOverlapping(Message("a/b", QualityOfService.ExactlyOnce, publisher: ClientId), new("a/#", noLocal, 1), new("a/b", QoS0, 2));
        session.DeliverOverlapping(Message("a/b", QualityOfService.ExactlyOnce, publisher: "other"), new("a/#", noLocal, 1), new("a/b", QoS0, 2));

        var sent = session.SentPublishes();
        Assert.Equal(2, sent.Count);
        Assert.Equal(QualityOfService.AtMostOnce, sent[0].QoS);
        Assert.Equal([2], sent[0].Properties.SubscriptionIdentifiers);
        Assert.Equal(QualityOfService.ExactlyOnce, sent[1].QoS);
        Assert.Equal([1, 2], sent[1].Properties.SubscriptionIdentifiers.Order());
    }

    [Fact]
    public void The_same_identifier_on_two_matching_subscriptions_is_sent_twice()
    {
        var session = new SessionHarness();
        session.Subscribe("a/+", QoS1, subscriptionId: 9);
        session.Subscribe("a/#", QoS1, subscriptionId: 9);

        session.DeliverOverlapping(Message("a/b"), new("a/+", QoS1, 9), new("a/#", QoS1, 9));

        Assert.Equal([9, 9], Assert.Single(session.SentPublishes()).Properties.SubscriptionIdentifiers);
    }
}
