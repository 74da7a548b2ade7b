using Broker.Core.Messaging;
using Broker.Core.Routing;
using Broker.Core.Tests.Sessions.Support;
using Broker.Mqtt;
using Broker.Mqtt.Packets;

namespace Broker.Core.Tests.Routing;

/// <summary>A QoS 1/2 publish is acknowledged only once every matching subscriber that was full when it was routed has room for it.</summary>
public sealed class DispatcherAdmissionTests
{
    private readonly RouterFixture _f = new();
    private readonly RecordingActor _publisher = new();

    private sealed class Room : ISubscriberRoom
    {
        public bool IsFull { get; set; }
    }

    private RecordingSession Subscribe(string clientId, Room room, QualityOfService granted = QualityOfService.AtLeastOnce)
    {
        var session = new RecordingSession(clientId);
        _f.Routes.Subscribe(clientId, session, "plant/#", new SubscriptionOptions(granted), 0, room: room);
        return session;
    }

    private PublishCommit Publish(QualityOfService qos = QualityOfService.AtLeastOnce)
    {
        var commit = new PublishCommit(_publisher, waitsForStorage: false).Begin(1);
        _f.Dispatcher.Dispatch(_f.Message("plant/line1/press") with { QoS = qos }, null, commit);
        return commit;
    }

    [Fact]
    public void A_full_subscriber_joins_the_publish_and_one_with_room_does_not()
    {
        var full = Subscribe("full", new Room { IsFull = true });
        var roomy = Subscribe("roomy", new Room());

        var commit = Publish();

        Assert.False(commit.Seal());
        Assert.Same(commit, Assert.Single(full.Delivered).Admission);
        Assert.Null(Assert.Single(roomy.Delivered).Admission);

        full.Delivered.Single().Admission!.Succeed();
        Assert.True(commit.IsComplete);
        Assert.Same(commit, Assert.Single(_publisher.Told));
    }

    [Fact]
    public void A_full_client_on_overlapping_filters_joins_its_one_delivery_once()
    {
        var room = new Room { IsFull = true };
        var session = Subscribe("full", room);
        _f.Routes.Subscribe("full", session, "plant/+/press", RouterFixture.QoS1, 0, room: room);

        var commit = Publish();

        Assert.False(commit.Seal());
        Assert.Single(session.Delivered).Admission!.Succeed();
        Assert.True(commit.IsComplete);
    }

    [Fact]
    public void A_full_subscriber_granted_QoS_0_does_not_hold_the_publish()
    {
        Subscribe("qos0", new Room { IsFull = true }, QualityOfService.AtMostOnce);

        Assert.True(Publish().Seal());
    }

    [Fact]
    public void Durable_subscribers_join_only_a_publish_that_waits_for_storage()
    {
        var session = new RecordingSession("durable");
        _f.Routes.Subscribe("durable", session, "plant/#", RouterFixture.QoS1, 0, durable: true);

        Assert.True(Publish().Seal());
        Assert.Null(Assert.Single(session.Delivered).Commit);
    }

    [Fact]
    public void A_publish_that_matches_no_subscription_is_counted_as_dropped_for_no_subscribers()
    {
        _f.Dispatcher.Dispatch(_f.Message("nobody/listens"));

        Assert.Equal(1, _f.Metrics.Dropped(DropReason.NoSubscribers));
        Assert.Equal(0, _f.Metrics.MessagesDropped);
    }
}
