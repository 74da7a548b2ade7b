using System.Text;
using Broker.Core.Messaging;
using Broker.Core.Sessions;
using Broker.Core.Tests.Sessions.Support;
using Broker.Mqtt;
using Broker.Mqtt.Packets;
using static Broker.Core.Tests.Sessions.Support.SessionHarness;

namespace Broker.Core.Tests.Sessions;

/// <summary>Outgoing PUBLISH: the subscription options and the client's limits, packet by packet.</summary>
public class SessionStateDeliveryTests
{
    [Theory]
    [InlineData(QualityOfService.ExactlyOnce, QualityOfService.AtLeastOnce, QualityOfService.AtLeastOnce)]
    [InlineData(QualityOfService.AtMostOnce, QualityOfService.ExactlyOnce, QualityOfService.AtMostOnce)]
    [InlineData(QualityOfService.ExactlyOnce, QualityOfService.ExactlyOnce, QualityOfService.ExactlyOnce)]
    public void MQTT_3_8_4_8_delivered_QoS_is_the_minimum_of_published_and_granted(QualityOfService published, QualityOfService granted, QualityOfService expected)
    {
        var session = new SessionHarness();
        session.Subscribe("t/#", granted);
        session.Deliver(Message(qos: published));
        Assert.Equal(expected, session.SentPublishes().Single().QoS);
    }

    [Fact]
    public void MQTT_3_8_3_3_no_local_skips_the_clients_own_messages()
    {
        var session = new SessionHarness();
        session.Subscribe("t/#", new SubscriptionOptions(QualityOfService.AtLeastOnce, NoLocal: true));
        session.Deliver(Message(topic: "t/own", publisher: ClientId));
        session.Deliver(Message(topic: "t/other", publisher: "other"));
        Assert.Equal("t/other", Assert.Single(session.SentPublishes()).Topic);
    }

    [Fact]
    public void Ignore_loop_deliver_applies_no_local_to_every_subscription()
    {
        var session = new SessionHarness(MqttSettings.Default with { IgnoreLoopDeliver = true });
        session.Subscribe("t/#");
        session.Deliver(Message(publisher: ClientId));
        Assert.Empty(session.SentPublishes());
    }

    [Theory]
    [InlineData(false, true, false)]
    [InlineData(true, true, true)]
    [InlineData(true, false, false)]
    public void MQTT_3_3_1_12_and_13_live_messages_carry_RETAIN_only_with_retain_as_published(bool retainAsPublished, bool published, bool expected)
    {
        var session = new SessionHarness();
        session.Subscribe("t/#", new SubscriptionOptions(QualityOfService.AtLeastOnce, RetainAsPublished: retainAsPublished));
        session.Deliver(Message(retain: published));
        Assert.Equal(expected, session.SentPublishes().Single().Retain);
    }

    [Fact]
    public void MQTT_3_3_1_8_retained_messages_sent_for_a_subscription_keep_RETAIN()
    {
        var session = new SessionHarness();
        session.Subscribe("t/#");
        session.Deliver(Message(retain: true), fromRetained: true);
        Assert.True(session.SentPublishes().Single().Retain);
    }

    [Fact]
    public void MQTT_3_3_4_3_the_subscription_identifier_is_sent_to_5_0_clients()
    {
        var session = new SessionHarness();
        session.Subscribe("t/#", new SubscriptionOptions(QualityOfService.AtLeastOnce), subscriptionId: 42);
        session.Deliver(Message(), subscriptionId: 42);
        session.Deliver(Message(), subscriptionId: 0);

        var sent = session.SentPublishes();
        Assert.Equal([42], sent[0].Properties.SubscriptionIdentifiers);
        Assert.Empty(sent[1].Properties.SubscriptionIdentifiers);
    }

    [Fact]
    public void Properties_are_not_sent_to_3_1_1_clients()
    {
        var session = new SessionHarness(version: MqttProtocolVersion.V311);
        session.Subscribe("t/#");
        session.Deliver(Message(expirySeconds: 60), subscriptionId: 42);
        Assert.Same(Broker.Mqtt.Properties.MqttProperties.Empty, session.SentPublishes().Single().Properties);
    }

    [Fact]
    public void MQTT_3_3_2_5_an_expired_message_is_not_delivered()
    {
        var session = new SessionHarness();
        session.Subscribe("t/#");
        session.NowMs = 1_000_000 + 10_000;
        session.Deliver(Message(expirySeconds: 10, receivedAtMs: 1_000_000));
        Assert.Empty(session.SentPublishes());
        Assert.Equal(1, session.Metrics.MessagesExpired);
    }

    [Fact]
    public void MQTT_3_3_2_6_the_remaining_expiry_interval_is_forwarded()
    {
        var session = new SessionHarness();
        session.Subscribe("t/#");
        session.NowMs = 1_000_000 + 4_500;
        session.Deliver(Message(expirySeconds: 10, receivedAtMs: 1_000_000));
        Assert.Equal(6u, session.SentPublishes().Single().Properties.MessageExpiryInterval);
    }

    [Fact]
    public void MQTT_3_3_2_5_a_message_that_expires_in_the_queue_is_not_sent()
    {
        var session = new SessionHarness();
        session.Subscribe("t/#");
        session.Detach();
        session.Deliver(Message(expirySeconds: 5, receivedAtMs: 1_000_000));
        session.Deliver(Message(topic: "t/2"));
        session.NowMs += 6_000;
        session.Attach();

        Assert.Equal(["t/2"], session.SentPublishes().Select(p => p.Topic));
    }

    [Fact]
    public void MQTT_3_1_2_25_a_packet_larger_than_the_clients_maximum_is_discarded_as_if_delivered()
    {
        var session = new SessionHarness(maximumPacketSize: 64);
        session.Subscribe("t/#");
        session.Deliver(Message(payload: new string('x', 100)));
        session.Deliver(Message(payload: "small"));

        var sent = session.SentPublishes().Single();
        Assert.Equal(1, sent.PacketId);
        Assert.Equal(0, session.State.QueueLength);
        Assert.Equal(1, session.State.InflightCount);
        Assert.Equal(1, session.State.DroppedMessages);
    }

    [Fact]
    public void A_delivery_for_a_filter_no_longer_subscribed_is_not_sent()
    {
        var session = new SessionHarness();
        session.Deliver(Message(), filter: "gone/#");
        Assert.Empty(session.SentPublishes());
    }

    [Fact]
    public void QoS_0_goes_to_the_queue_while_the_connection_is_not_writable_and_out_on_drain()
    {
        var session = new SessionHarness();
        session.Subscribe("t/#");
        session.Writable = false;
        session.Deliver(Message(qos: QualityOfService.AtMostOnce));
        Assert.Empty(session.SentPublishes());
        Assert.Equal(1, session.State.QueueLength);

        session.Writable = true;
        session.Drain();
        Assert.Single(session.SentPublishes());
    }

    [Fact]
    public void MQTT_4_6_0_6_a_QoS_0_message_does_not_overtake_a_queued_QoS_0_message()
    {
        var session = new SessionHarness();
        session.Subscribe("t/#");
        session.Writable = false;
        session.Deliver(Message(qos: QualityOfService.AtMostOnce, payload: "first"));

        // Writable again, but the session has not drained yet when the next message arrives.
        session.Writable = true;
        session.Deliver(Message(qos: QualityOfService.AtMostOnce, payload: "second"));
        session.Drain();

        Assert.Equal(["first", "second"], session.SentPublishes().Select(p => Encoding.UTF8.GetString(p.Payload)));
    }

    [Fact]
    public void QoS_0_messages_behind_a_QoS_1_message_waiting_for_the_window_are_sent_when_the_connection_takes_them()
    {
        var session = new SessionHarness(receiveMaximum: 1);
        session.Subscribe("t/#", QualityOfService.AtLeastOnce);
        session.Deliver(Message(qos: QualityOfService.AtLeastOnce, payload: "inflight"));
        session.Deliver(Message(qos: QualityOfService.AtLeastOnce, payload: "waits for the window"));
        session.Writable = false;
        session.Deliver(Message(qos: QualityOfService.AtMostOnce, payload: "qos0"));
        session.Writable = true;
        session.SentPublishes();

        session.Drain();

        Assert.Equal(["qos0"], session.SentPublishes().Select(p => Encoding.UTF8.GetString(p.Payload)));
        Assert.Equal(1, session.State.QueueLength);
    }

    [Fact]
    public void A_turn_counts_what_it_sends_against_the_connections_room_and_stops_where_the_connection_would_stop_being_writable()
    {
        var session = new SessionHarness();
        session.Subscribe("t/#", QualityOfService.AtMostOnce);
        session.Writable = false;
        for (var i = 0; i < 5; i++)
        {
            session.Deliver(Message(qos: QualityOfService.AtMostOnce, payload: $"{i}"));
        }

        session.Writable = true;
        session.WritableRoom = new ConnectionRoom(Packets: 100, Bytes: 3); // three one-byte payloads
        session.Drain();

        Assert.Equal(["0", "1", "2"], session.SentPublishes().Select(p => Encoding.UTF8.GetString(p.Payload)));
        Assert.True(session.State.RoomRanOut);
        Assert.Equal(2, session.State.QueueLength);

        session.WritableRoom = new ConnectionRoom(Packets: 1, Bytes: 100);
        session.Drain();
        Assert.Equal(["3"], session.SentPublishes().Select(p => Encoding.UTF8.GetString(p.Payload)));

        session.WritableRoom = ConnectionRoom.Unlimited;
        session.Drain();
        Assert.Equal(["4"], session.SentPublishes().Select(p => Encoding.UTF8.GetString(p.Payload)));
        Assert.False(session.State.RoomRanOut);
    }

    [Fact]
    public void QoS_0_for_an_absent_client_is_queued_only_with_queue_qos0()
    {
        var queueing = new SessionHarness();
        queueing.Subscribe("t/#");
        queueing.Detach();
        queueing.Deliver(Message(qos: QualityOfService.AtMostOnce));
        Assert.Equal(1, queueing.State.QueueLength);

        var dropping = new SessionHarness(MqttSettings.Default with { QueueQoS0 = false });
        dropping.Subscribe("t/#");
        dropping.Detach();
        dropping.Deliver(Message(qos: QualityOfService.AtMostOnce));
        Assert.Equal(0, dropping.State.QueueLength);
        Assert.Equal(1, dropping.State.DroppedMessages);
        Assert.Equal(1, dropping.Metrics.MessagesDropped);
    }

    [Fact]
    public void Queue_overflow_drops_QoS_0_first_then_the_oldest_and_counts_every_drop()
    {
        var session = new SessionHarness(MqttSettings.Default with { MaxQueueLength = 2 });
        session.Subscribe("t/#");
        session.Detach();
        session.Deliver(Message(topic: "t/q1-a"));
        session.Deliver(Message(topic: "t/q0", qos: QualityOfService.AtMostOnce));
        session.Deliver(Message(topic: "t/q1-b")); // drops t/q0
        session.Deliver(Message(topic: "t/q1-c")); // drops t/q1-a, the oldest
        session.Attach();

        Assert.Equal(["t/q1-b", "t/q1-c"], session.SentPublishes().Select(p => p.Topic));
        Assert.Equal(2, session.State.DroppedMessages);
        Assert.Equal(2, session.Metrics.MessagesDropped);
    }
}
