using System.Text;
using Broker.Actors;
using Broker.Actors.TestKit;
using Broker.Core.Messaging;
using Broker.Core.Routing;
using Broker.Core.Sessions;
using Broker.Core.Tests.Sessions.Support;
using Broker.Mqtt;
using Broker.Mqtt.Packets;
using Broker.Mqtt.Properties;
using Microsoft.Extensions.Logging.Abstractions;

namespace Broker.Core.Tests.Sessions;

/// <summary>The registry and session actors: takeover, clean start, expiry, will, shared redispatch; on a manual clock.</summary>
public class SessionActorTests : ActorTestKit
{
    private readonly RecordingRouter _router = new();
    private readonly BrokerMetrics _metrics = new();
    private readonly IActorRef _registry;
    private readonly TestProbe _client;
    private long _connectionIds;

    public SessionActorTests()
    {
        _registry = Sys.ActorOf(SessionRegistry.Props(_router, MqttSettings.Default, _metrics, NullLoggerFactory.Instance), "sessions");
        _client = CreateTestProbe("client");
    }

    [Fact]
    public void A_new_session_sends_CONNACK_with_session_present_0_first()
    {
        var (connection, opened) = Open("c");
        Assert.False(opened.SessionPresent);
        Assert.False(connection.Next<ConnAckPacket>().SessionPresent);
        Assert.Equal("c", opened.Session.Path.Name);
    }

    [Fact]
    public void MQTT_3_1_4_3_takeover_closes_the_old_connection_with_0x8E_and_resumes_on_the_new_one()
    {
        var (first, opened) = Open("c", expiry: 3600, receiveMaximum: 1);
        first.Next<ConnAckPacket>();
        SubscribeOn(opened.Session, first, "t/#");
        opened.Session.Tell(Delivery("t/inflight"));
        opened.Session.Tell(Delivery("t/queued"));
        Assert.Equal("t/inflight", first.Next<PublishPacket>().Topic);

        var (second, reopened) = Open("c", expiry: 3600);

        first.WaitClosed();
        Assert.Equal(ReasonCode.SessionTakenOver, first.CloseReason);
        Assert.True(reopened.SessionPresent);
        Assert.Same(opened.Session, reopened.Session);
        Assert.True(second.Next<ConnAckPacket>().SessionPresent);
        var resent = second.Next<PublishPacket>();
        Assert.Equal(("t/inflight", true), (resent.Topic, resent.Dup));
        Assert.Equal("t/queued", second.Next<PublishPacket>().Topic);
    }

    [Fact]
    public void Packets_from_a_connection_taken_over_are_ignored()
    {
        var (first, opened) = Open("c", expiry: 3600);
        var (second, _) = Open("c", expiry: 3600);
        opened.Session.Tell(new ClientPublish(first, Message("t/stale", QualityOfService.AtLeastOnce), 1));
        opened.Session.Tell(new ClientDisconnected(first, DisconnectKind.Abnormal));
        opened.Session.Tell(new ClientPublish(second, Message("t/live", QualityOfService.AtLeastOnce), 1));

        second.Next<ConnAckPacket>();
        Assert.Equal(1, second.Next<PubAckPacket>().PacketId);
        Assert.Equal(["t/live"], _router.Published.Select(m => m.Topic));
        Assert.True(Stats(opened.Session).Connected);
    }

    [Fact]
    public void Clean_start_ends_the_existing_session_and_opens_an_empty_one()
    {
        var will = new WillMessage { Topic = "will/c", Payload = "bye"u8.ToArray() };
        var (first, opened) = Open("c", expiry: 3600, will: will);
        first.Next<ConnAckPacket>();
        SubscribeOn(opened.Session, first, "t/#");
        Watch(opened.Session);

        var (second, reopened) = Open("c", cleanStart: true, expiry: 3600);

        ExpectTerminated(opened.Session);
        first.WaitClosed();
        Assert.Equal(ReasonCode.SessionTakenOver, first.CloseReason);
        Assert.False(reopened.SessionPresent);
        Assert.NotSame(opened.Session, reopened.Session);
        Assert.False(second.Next<ConnAckPacket>().SessionPresent);
        Assert.Equal(["t/#"], _router.Unsubscribed);
        Assert.Equal(["will/c"], _router.Published.Select(m => m.Topic));
        Assert.Equal(0, Stats(reopened.Session).Subscriptions);
    }

    [Fact]
    public void Every_ClientPublish_and_Deliver_returns_its_inbound_credit_handled_or_ignored()
    {
        var credit = new CountingCredit();
        var (first, opened) = Open("c", expiry: 3600);
        var (second, _) = Open("c", expiry: 3600);
        first.InboundCredit = credit;
        second.InboundCredit = credit;
        SubscribeOn(opened.Session, second, "t/#");

        opened.Session.Tell(new ClientPublish(first, Message("t/stale", QualityOfService.AtMostOnce), 0));
        opened.Session.Tell(new ClientPublish(second, Message("t/live", QualityOfService.AtMostOnce), 0));
        opened.Session.Tell(Delivery("t/x") with { Credit = credit });
        opened.Session.Tell(Delivery("other/x") with { Credit = credit });

        Assert.True(credit.WaitReturned(4));
        Assert.Equal(0, Stats(opened.Session).Queued);
        Assert.Equal(0, credit.ReturnedSoFar);
    }

    [Fact]
    public void A_Deliver_told_to_a_stopped_session_has_its_credit_returned_by_the_registry()
    {
        var credit = new CountingCredit();
        var (connection, opened) = Open("c", expiry: 0);
        Watch(opened.Session);
        opened.Session.Tell(new ClientDisconnected(connection, DisconnectKind.Normal));
        ExpectTerminated(opened.Session);

        opened.Session.Tell(Delivery("t/x") with { Credit = credit });

        Assert.True(credit.WaitReturned(1));
    }

    [Fact]
    public void Session_expiry_0_ends_the_session_when_the_connection_goes()
    {
        var (connection, opened) = Open("c", expiry: 0);
        SubscribeOn(opened.Session, connection, "t/#");
        Watch(opened.Session);

        opened.Session.Tell(new ClientDisconnected(connection, DisconnectKind.Normal));

        ExpectTerminated(opened.Session);
        Assert.Equal(["t/#"], _router.Unsubscribed);
    }

    [Fact]
    public void The_session_expires_after_its_expiry_interval_without_a_connection()
    {
        var (connection, opened) = Open("c", expiry: 60);
        SubscribeOn(opened.Session, connection, "t/#");
        Watch(opened.Session);
        opened.Session.Tell(new ClientDisconnected(connection, DisconnectKind.Normal));
        Stats(opened.Session); // the timer is started

        Time.Advance(TimeSpan.FromSeconds(59));
        Assert.Equal(1, Stats(opened.Session).Subscriptions);
        Assert.Empty(_router.Unsubscribed);

        Time.Advance(TimeSpan.FromSeconds(1));
        ExpectTerminated(opened.Session);
        Assert.Equal(["t/#"], _router.Unsubscribed);
    }

    [Fact]
    public void The_expiry_from_DISCONNECT_replaces_the_one_from_CONNECT()
    {
        var (connection, opened) = Open("c", expiry: 3600);
        Watch(opened.Session);
        opened.Session.Tell(new ClientDisconnected(connection, DisconnectKind.Normal, SessionExpirySeconds: 0));
        ExpectTerminated(opened.Session);
    }

    [Fact]
    public void A_reconnection_cancels_the_expiry()
    {
        var (connection, opened) = Open("c", expiry: 60);
        opened.Session.Tell(new ClientDisconnected(connection, DisconnectKind.Normal));
        Stats(opened.Session);
        var (_, reopened) = Open("c", expiry: 60);
        Assert.True(reopened.SessionPresent);

        Time.Advance(TimeSpan.FromSeconds(120));
        Assert.True(Stats(opened.Session).Connected);
    }

    [Fact]
    public void The_will_is_published_on_an_abnormal_close_with_the_publisher_and_time_set()
    {
        var will = new WillMessage { Topic = "will/c", Payload = "bye"u8.ToArray(), QoS = QualityOfService.AtLeastOnce, Retain = true };
        var (connection, opened) = Open("c", expiry: 3600, will: will);

        opened.Session.Tell(new ClientDisconnected(connection, DisconnectKind.Abnormal));

        _router.WaitUntil(r => r.Published.Count == 1, "the will");
        var published = _router.Published.Single();
        Assert.Equal(("will/c", "bye", QualityOfService.AtLeastOnce, true), (published.Topic, Encoding.UTF8.GetString(published.Payload.Span), published.QoS, published.Retain));
        Assert.Equal("c", published.PublisherId);
        Assert.Equal(Time.GetUtcNow().ToUnixTimeMilliseconds(), published.ReceivedAtMs);
    }

    [Fact]
    public void MQTT_3_14_4_3_the_will_is_discarded_on_a_normal_disconnect()
    {
        var will = new WillMessage { Topic = "will/c" };
        var (connection, opened) = Open("c", expiry: 3600, will: will);
        opened.Session.Tell(new ClientDisconnected(connection, DisconnectKind.Normal));
        Assert.False(Stats(opened.Session).Connected);
        Time.Advance(TimeSpan.FromSeconds(3600));
        Assert.Empty(_router.Published);
    }

    [Fact]
    public void A_delayed_will_is_published_after_its_delay()
    {
        var (connection, opened) = Open("c", expiry: 3600, will: DelayedWill(30));
        opened.Session.Tell(new ClientDisconnected(connection, DisconnectKind.WithWill));
        Stats(opened.Session);

        Time.Advance(TimeSpan.FromSeconds(29));
        Stats(opened.Session);
        Assert.Empty(_router.Published);

        Time.Advance(TimeSpan.FromSeconds(1));
        _router.WaitUntil(r => r.Published.Count == 1, "the delayed will");
        Assert.Null(_router.Published.Single().Properties.WillDelayInterval);
    }

    [Fact]
    public void MQTT_3_1_3_9_a_reconnection_before_the_will_delay_cancels_the_will()
    {
        var (connection, opened) = Open("c", expiry: 3600, will: DelayedWill(30));
        opened.Session.Tell(new ClientDisconnected(connection, DisconnectKind.Abnormal));
        Stats(opened.Session);
        Time.Advance(TimeSpan.FromSeconds(10));

        Open("c", expiry: 3600);
        Time.Advance(TimeSpan.FromSeconds(60));

        Assert.True(Stats(opened.Session).Connected);
        Assert.Empty(_router.Published);
    }

    [Fact]
    public void A_will_delay_longer_than_the_session_publishes_the_will_when_the_session_ends()
    {
        var (connection, opened) = Open("c", expiry: 10, will: DelayedWill(300));
        Watch(opened.Session);
        opened.Session.Tell(new ClientDisconnected(connection, DisconnectKind.Abnormal));
        Stats(opened.Session);

        Time.Advance(TimeSpan.FromSeconds(10));

        ExpectTerminated(opened.Session);
        Assert.Equal(["will/c"], _router.Published.Select(m => m.Topic));
    }

    [Fact]
    public void Shared_messages_unacknowledged_by_a_member_that_goes_away_go_to_another_member()
    {
        var (connection, opened) = Open("c", expiry: 3600);
        SubscribeOn(opened.Session, connection, "$share/g/t/#");
        opened.Session.Tell(new Deliver(Message("t/1", QualityOfService.AtLeastOnce), "$share/g/t/#", new SubscriptionOptions(QualityOfService.AtLeastOnce), 0, "g"));
        connection.Next<PublishPacket>();

        opened.Session.Tell(new ClientDisconnected(connection, DisconnectKind.Abnormal));

        _router.WaitUntil(r => r.Redispatched.Count == 1, "the redispatch");
        var call = _router.Redispatched.Single();
        Assert.Equal(("g", "$share/g/t/#", "t/1", "c"), (call.ShareGroup, call.Filter, call.Message.Topic, call.ExcludeClientId));
    }

    [Fact]
    public void An_OpenSession_racing_a_session_that_ends_is_answered_by_a_new_session()
    {
        var (connection, opened) = Open("c", expiry: 0);
        Watch(opened.Session);

        opened.Session.Tell(new ClientDisconnected(connection, DisconnectKind.Normal));
        var (next, reopened) = Open("c", expiry: 0);

        ExpectTerminated(opened.Session);
        Assert.False(reopened.SessionPresent);
        Assert.NotSame(opened.Session, reopened.Session);
        Assert.False(next.Next<ConnAckPacket>().SessionPresent);
    }

    [Fact]
    public void Client_ids_that_are_not_actor_names_are_escaped()
    {
        var (_, opened) = Open("$weird/id%");
        Assert.Equal(ActorName.Escape("$weird/id%"), opened.Session.Path.Name);
    }

    [Fact]
    public void A_3_1_1_client_gets_unacknowledged_messages_again_after_the_retry_interval()
    {
        var (connection, opened) = Open("c", expiry: 3600, version: MqttProtocolVersion.V311);
        connection.Next<ConnAckPacket>();
        SubscribeOn(opened.Session, connection, "t/#");
        opened.Session.Tell(Delivery("t/1"));
        var first = connection.Next<PublishPacket>();
        Stats(opened.Session); // the retry timer is started

        Time.Advance(MqttSettings.Default.RetryInterval);

        var again = connection.Next<PublishPacket>();
        Assert.Equal((first.PacketId, true), (again.PacketId, again.Dup));
    }

    [Fact]
    public void A_connection_closed_before_its_session_took_it_ends_at_once_and_the_session_starts_its_expiry()
    {
        var connection = new RecordingConnection(Interlocked.Increment(ref _connectionIds));
        connection.Close();
        var request = new ConnectRequest { ClientId = "late", ProtocolVersion = MqttProtocolVersion.V500, SessionExpirySeconds = 60 };

        _client.Send(_registry, new OpenSession(request, connection, new ConnAckPacket()));
        var opened = _client.ExpectMsg<SessionOpened>();

        Assert.False(Stats(opened.Session).Connected);
        Watch(opened.Session);
        Time.Advance(TimeSpan.FromSeconds(60));
        ExpectTerminated(opened.Session);
    }

    [Fact]
    public void A_turn_that_used_up_the_connections_room_drains_on_while_the_connection_is_still_writable()
    {
        var (connection, opened) = Open("c");
        SubscribeOn(opened.Session, connection, "t/#");
        connection.IsWritable = false;
        for (var i = 0; i < 5; i++)
        {
            opened.Session.Tell(new Deliver(Message($"t/{i}", QualityOfService.AtMostOnce), "t/#", new SubscriptionOptions(QualityOfService.AtMostOnce), 0, null));
        }

        Assert.Equal(5, Stats(opened.Session).Queued);

        // Two packets at a time, and the connection never says it stopped being writable: no ConnectionWritable follows.
        connection.WritableRoom = new ConnectionRoom(Packets: 2, Bytes: long.MaxValue);
        connection.IsWritable = true;
        opened.Session.Tell(new ConnectionWritable(connection));

        Assert.Equal(["t/0", "t/1", "t/2", "t/3", "t/4"], Enumerable.Range(0, 5).Select(_ => connection.Next<PublishPacket>().Topic));
        Assert.Equal(0, Stats(opened.Session).Queued);
    }

    private (RecordingConnection Connection, SessionOpened Opened) Open(
        string clientId,
        bool cleanStart = false,
        uint expiry = 0,
        WillMessage? will = null,
        ushort receiveMaximum = ushort.MaxValue,
        MqttProtocolVersion version = MqttProtocolVersion.V500)
    {
        var connection = new RecordingConnection(Interlocked.Increment(ref _connectionIds), version);
        var request = new ConnectRequest
        {
            ClientId = clientId,
            ProtocolVersion = version,
            CleanStart = cleanStart,
            SessionExpirySeconds = expiry,
            Will = will,
            ReceiveMaximum = receiveMaximum,
        };
        _client.Send(_registry, new OpenSession(request, connection, new ConnAckPacket()));
        return (connection, _client.ExpectMsg<SessionOpened>());
    }

    private SessionStats Stats(IActorRef session)
    {
        _client.Send(session, GetSessionStats.Instance);
        return _client.ExpectMsg<SessionStats>();
    }

    /// <summary>Subscribes and waits for the SUBACK; packets before it (CONNACK) are skipped.</summary>
    private static void SubscribeOn(IActorRef session, RecordingConnection connection, string filter)
    {
        var packet = new SubscribePacket { PacketId = 50, Subscriptions = [new(filter, new SubscriptionOptions(QualityOfService.AtLeastOnce))] };
        session.Tell(new ClientSubscribe(connection, packet, []));
        while (connection.Next<MqttPacket>() is not SubAckPacket)
        {
        }
    }

    private static Deliver Delivery(string topic) =>
        new(Message(topic, QualityOfService.AtLeastOnce), "t/#", new SubscriptionOptions(QualityOfService.AtLeastOnce), 0, null);

    private static ApplicationMessage Message(string topic, QualityOfService qos) =>
        new() { Topic = topic, QoS = qos, Payload = "m"u8.ToArray(), PublisherId = "publisher" };

    private static WillMessage DelayedWill(uint seconds) => new()
    {
        Topic = "will/c",
        Properties = new MqttProperties { WillDelayInterval = seconds },
    };
}
