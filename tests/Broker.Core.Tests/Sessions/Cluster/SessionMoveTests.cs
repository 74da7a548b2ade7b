using Broker.Core.Messaging;
using Broker.Core.Routing;
using Broker.Core.Sessions;
using Broker.Core.Sessions.Cluster;
using Broker.Core.Tests.Sessions.Cluster.Support;
using Broker.Mqtt;
using Broker.Mqtt.Packets;
using Broker.Mqtt.Properties;

namespace Broker.Core.Tests.Sessions.Cluster;

/// <summary>
/// A session moved between the registries of two nodes (SessionRegistry.Cluster.cs, SessionActor.Transfer.cs), each
/// with its own router, over an in-memory <see cref="PeerNetwork"/>: what the clients on either side receive.
/// </summary>
public sealed class SessionMoveTests : ClusterSessionTests
{
    [Fact]
    public void A_persistent_session_moves_with_its_subscriptions_queued_and_inflight_messages()
    {
        var a = Node("A");
        var b = Node("B");
        var (first, opened, connAck) = a.Open("c", receiveMaximum: 1);
        Assert.False(connAck.SessionPresent);
        Subscribe(opened.Session, first, "t/#");
        a.Router.Publish(Message("t/inflight", QualityOfService.ExactlyOnce));
        a.Router.Publish(Message("t/queued-1", QualityOfService.AtLeastOnce));
        a.Router.Publish(Message("t/queued-2", QualityOfService.ExactlyOnce));
        Assert.Equal("t/inflight", first.Next<PublishPacket>().Topic);
        Assert.Equal((1, 2), (a.Stats(opened.Session).Inflight, a.Stats(opened.Session).Queued));

        var (second, moved, movedAck) = b.Open("c");

        Assert.True(moved.SessionPresent);
        Assert.True(movedAck.SessionPresent);
        first.WaitClosed();
        Assert.Equal(ReasonCode.SessionTakenOver, first.CloseReason);
        var resent = second.Next<PublishPacket>();
        Assert.Equal(("t/inflight", true, QualityOfService.ExactlyOnce), (resent.Topic, resent.Dup, resent.QoS));
        var queued1 = second.Next<PublishPacket>();
        var queued2 = second.Next<PublishPacket>();
        Assert.Equal(("t/queued-1", QualityOfService.AtLeastOnce), (queued1.Topic, queued1.QoS));
        Assert.Equal(("t/queued-2", QualityOfService.ExactlyOnce), (queued2.Topic, queued2.QoS));
        Assert.Same(moved.Session, b.RoutedSession("c", "t/#"));
        Assert.Equal("B", Network.OwnerOf("c"));

        FinishMove(a, opened.Session, "B");

        Assert.Null(a.RoutedSession("c", "t/#"));
        Assert.Same(moved.Session, b.RoutedSession("c", "t/#"));
        Assert.False(a.Holds("c"));
        Assert.True(b.Holds("c"));
        Assert.Contains(Network.Sent, s => s is { To: "B", Message: TransferDone });

        // The moved QoS 2 message completes on B.
        second.TakeSent();
        moved.Session.Tell(new ClientAcknowledgement(second, new PubRecPacket { PacketId = resent.PacketId }));
        Assert.Equal(resent.PacketId, second.Next<PubRelPacket>().PacketId);
    }

    [Fact]
    public void Messages_reaching_the_old_node_during_the_move_arrive_once_and_a_retained_copy_is_not_a_duplicate()
    {
        var a = Node("A");
        var b = Node("B");
        var (first, opened, _) = a.Open("c");
        Subscribe(opened.Session, first, "t/#");

        // The new session does not yet say it serves: the old one keeps forwarding.
        Network.HoldMessage = (to, m) => m is TransferResumed;
        var (second, moved, _) = b.Open("c");
        Assert.True(moved.SessionPresent);
        first.WaitClosed();

        var forwarded = Message("t/forwarded");
        a.Router.Publish(forwarded);
        Network.WaitSent<TransferPending>("B");
        var both = Message("t/both");
        a.Router.Publish(both);
        Network.WaitSent<TransferPending>("B", m => Network.Sent.Count(s => s.Message is TransferPending) == 2);
        b.Holds("c"); // both forwarded copies are in B's session's mailbox
        b.Router.Publish(both);
        moved.Session.Tell(new Deliver(forwarded with { Retain = true }, "t/#", new SubscriptionOptions(QualityOfService.ExactlyOnce), 0, null, fromRetained: true));
        b.Router.Publish(Message("t/end"));

        Assert.Equal(["t/forwarded", "t/both", "t/forwarded"], TopicsUntil(second, "t/end"));

        // After the old session is done, a late direct copy of what it forwarded is still dropped.
        Network.ReleaseMessages();
        FinishMove(a, opened.Session, "B");
        Network.WaitSent<TransferDone>("B");
        b.Holds("c");
        b.Stats(moved.Session);
        b.Router.Publish(forwarded);
        b.Router.Publish(Message("t/end"));
        Assert.Empty(TopicsUntil(second, "t/end"));

        // Once that window has passed, nothing is checked any more (and nothing is held for it).
        Time.Advance(SessionActor.SeenAfterDone);
        b.Stats(moved.Session);
        b.Router.Publish(forwarded);
        b.Router.Publish(Message("t/end"));
        Assert.Equal(["t/forwarded"], TopicsUntil(second, "t/end"));
    }

    [Fact]
    public void Clean_start_on_another_node_ends_the_session_with_its_will_once_and_opens_an_empty_one()
    {
        var a = Node("A");
        var b = Node("B");
        var watcher = Watcher(a, "w", "will/#");
        var will = new WillMessage { Topic = "will/c", Payload = "bye"u8.ToArray(), QoS = QualityOfService.AtLeastOnce };
        var (first, opened, _) = a.Open("c", will: will);
        Subscribe(opened.Session, first, "t/#");
        a.Watch(opened.Session);

        var (second, fresh, connAck) = b.Open("c", cleanStart: true);

        Assert.False(fresh.SessionPresent);
        Assert.False(connAck.SessionPresent);
        first.WaitClosed();
        Assert.Equal(ReasonCode.SessionTakenOver, first.CloseReason);
        a.ExpectTerminated(opened.Session);
        Assert.Null(a.RoutedSession("c", "t/#"));
        Assert.Equal(0, b.Stats(fresh.Session).Subscriptions);
        a.Router.Publish(Message("will/end", QualityOfService.AtLeastOnce));
        Assert.Equal(["will/c"], TopicsUntil(watcher, "will/end"));
        Assert.True(b.Holds("c"));
        Assert.False(a.Holds("c"));
    }

    [Fact]
    public void A_moved_session_expires_once_on_its_new_node_and_the_old_node_sends_no_delayed_will()
    {
        var a = Node("A");
        var b = Node("B");
        var watchA = Watcher(a, "wa", "will/#");
        var watchB = Watcher(b, "wb", "will/#");
        var will = new WillMessage { Topic = "will/c", Properties = new MqttProperties { WillDelayInterval = 30 } };
        var (first, opened, _) = a.Open("c", expiry: 60, will: will);
        Subscribe(opened.Session, first, "t/#");
        opened.Session.Tell(new ClientDisconnected(first, DisconnectKind.Abnormal));
        a.Stats(opened.Session);
        Time.Advance(TimeSpan.FromSeconds(10));

        var (second, moved, _) = b.Open("c", expiry: 60);
        Assert.True(moved.SessionPresent);
        FinishMove(a, opened.Session, "B");
        moved.Session.Tell(new ClientDisconnected(second, DisconnectKind.Normal));
        b.Stats(moved.Session);
        b.Watch(moved.Session);

        // A's timers (will at 30 s, expiry at 60 s from its detach) are gone with it; B counts from its own detach.
        Time.Advance(TimeSpan.FromSeconds(59));
        Assert.Equal(1, b.Stats(moved.Session).Subscriptions);
        Time.Advance(TimeSpan.FromSeconds(1));
        b.ExpectTerminated(moved.Session);
        Assert.Null(b.RoutedSession("c", "t/#"));
        Assert.False(b.Holds("c"));

        a.Router.Publish(Message("will/end", QualityOfService.AtLeastOnce));
        b.Router.Publish(Message("will/end", QualityOfService.AtLeastOnce));
        Assert.Empty(TopicsUntil(watchA, "will/end"));
        Assert.Empty(TopicsUntil(watchB, "will/end"));
        var (_, again, connAck) = b.Open("c", expiry: 60);
        Assert.False(again.SessionPresent);
        Assert.False(connAck.SessionPresent);
    }

    [Fact]
    public void A_session_held_from_before_the_cluster_is_dropped_without_its_will_when_another_node_owns_the_client_id()
    {
        var a = Node("A", attach: false);
        Node("B");
        var watcher = Watcher(a, "w", "will/#");
        var will = new WillMessage { Topic = "will/c", Payload = "bye"u8.ToArray() };
        var (connection, opened, _) = a.Open("c", will: will);
        Subscribe(opened.Session, connection, "t/#");
        var (kept, keptOpened, _) = a.Open("k");
        Subscribe(keptOpened.Session, kept, "k/#");
        a.Watch(opened.Session);
        Network.SetOwner("c", "B");

        a.Attach();

        a.ExpectTerminated(opened.Session);
        connection.WaitClosed();
        Assert.Null(a.RoutedSession("c", "t/#"));
        Assert.False(a.Holds("c"));
        Assert.Equal("B", Network.OwnerOf("c"));

        // Nobody owned "k": it stays, and is this node's now.
        Assert.True(a.Holds("k"));
        Assert.Equal("A", Network.OwnerOf("k"));
        Assert.False(kept.Closed);
        a.Router.Publish(Message("k/1"));
        Assert.Equal("k/1", kept.Next<PublishPacket>().Topic);

        a.Router.Publish(Message("will/end", QualityOfService.AtLeastOnce));
        Assert.Empty(TopicsUntil(watcher, "will/end"));
    }
}
