using Broker.Transport.Mqtt;
using Broker.Transport.Mqtt.Packets;
using Broker.Transport.Routing;

namespace Broker.Transport.Tests.Routing;

/// <summary>Subscribing, unsubscribing and publishing through the node and local tables.</summary>
public sealed class RouterTests
{
    private readonly RouterFixture _f = new();

    [Fact]
    public void Publish_tells_one_deliver_per_matching_subscription_with_its_options()
    {
        var options = new SubscriptionOptions(QualityOfService.ExactlyOnce, RetainAsPublished: true);
        var exact = _f.Subscribe("c1", "a/b", options, subscriptionId: 5);
        var wildcard = _f.Subscribe("c2", "a/+");
        var other = _f.Subscribe("c3", "x/#");
        var message = _f.Message("a/b");

        Assert.Equal(2, _f.Router.Publish(message));

        var delivered = Assert.Single(exact.Delivered);
        Assert.Equal(new SubscriptionMatch("a/b", options, 5), Assert.Single(delivered.Matches));
        Assert.Equal((null, false), (delivered.ShareGroup, delivered.FromRetained));
        Assert.Same(message, delivered.Message);
        Assert.Equal("a/+", Assert.Single(wildcard.Delivered).Filter);
        Assert.Empty(other.Delivered);
    }

    [Fact]
    public void Publish_with_no_match_delivers_nothing()
    {
        _f.Subscribe("c1", "a/b");

        Assert.Equal(0, _f.Router.Publish(_f.Message("a/c")));
    }

    [Fact]
    public void MQTT_3_8_4_3_subscribing_again_to_the_same_filter_replaces_the_options()
    {
        var first = new RecordingSession("c1");
        var second = new RecordingSession("c1-again");
        Assert.True(_f.Router.Subscribe("c1", first, "a/b", RouterFixture.QoS1, 1));

        var replaced = new SubscriptionOptions(QualityOfService.AtMostOnce, NoLocal: true);
        Assert.False(_f.Router.Subscribe("c1", second, "a/b", replaced, 9));

        Assert.Equal(1, _f.Router.Publish(_f.Message("a/b")));
        Assert.Empty(first.Delivered);
        var delivered = Assert.Single(second.Delivered);
        Assert.Equal(new SubscriptionMatch("a/b", replaced, 9), Assert.Single(delivered.Matches));
        Assert.Equal(1, _f.Router.Routes.RouteCount);
    }

    [Fact]
    public void MQTT_3_8_3_3_no_local_subscription_does_not_get_its_own_messages()
    {
        var session = _f.Subscribe("c1", "a", new SubscriptionOptions(QualityOfService.AtLeastOnce, NoLocal: true));

        Assert.Equal(0, _f.Router.Publish(_f.Message("a", publisher: "c1")));
        Assert.Equal(1, _f.Router.Publish(_f.Message("a", publisher: "c2")));
        Assert.Single(session.Delivered);
    }

    [Fact]
    public void MQTT_3_10_4_1_unsubscribe_removes_only_the_identical_filter()
    {
        var session = _f.Subscribe("c1", "a/+");

        Assert.False(_f.Router.Unsubscribe("c1", "a/b"));
        Assert.False(_f.Router.Unsubscribe("c2", "a/+"));
        Assert.True(_f.Router.Unsubscribe("c1", "a/+"));
        Assert.False(_f.Router.Unsubscribe("c1", "a/+"));

        Assert.Equal(0, _f.Router.Publish(_f.Message("a/b")));
        Assert.Empty(session.Delivered);
    }

    [Fact]
    public void Route_of_this_node_exists_from_the_first_local_subscriber_to_the_last()
    {
        _f.Subscribe("c1", "a/#");
        Assert.Equal(["n1"], _f.Router.Routes.Find("a/#")!.Nodes);
        _f.Subscribe("c2", "a/#");
        _f.Subscribe("c3", "$share/g/a/#");
        Assert.Equal(1, _f.Router.Routes.RouteCount);

        _f.Router.Unsubscribe("c1", "a/#");
        _f.Router.Unsubscribe("c3", "$share/g/a/#");
        Assert.NotNull(_f.Router.Routes.Find("a/#"));

        _f.Router.Unsubscribe("c2", "a/#");
        Assert.Null(_f.Router.Routes.Find("a/#"));
        Assert.Equal(0, _f.Router.LocalFilterCount);
        Assert.True(_f.Router.Routes.IsPruned);
    }

    [Fact]
    public void Publish_with_a_credit_takes_one_per_deliver_and_each_deliver_carries_it()
    {
        var first = _f.Subscribe("c1", "a/b");
        var second = _f.Subscribe("c2", "$share/g/a/+");
        _f.Subscribe("c3", "x/#");
        var credit = new Sessions.Support.CountingCredit();

        Assert.Equal(2, _f.Router.Publish(_f.Message("a/b"), credit));

        Assert.Equal(2, credit.Taken);
        Assert.Same(credit, Assert.Single(first.Delivered).Credit);
        Assert.Same(credit, Assert.Single(second.Delivered).Credit);
    }

    [Fact]
    public void Replicator_hears_this_nodes_route_changes_only()
    {
        var replicator = new RecordingReplicator();
        var router = new Router("n1", Messaging.SharedSubscriptionStrategy.Random, TimeProvider.System, new Messaging.BrokerMetrics(), replicator: replicator);
        var session = new RecordingSession("c");

        router.Subscribe("c1", session, "a", RouterFixture.QoS1, 0);
        router.Subscribe("c2", session, "a", RouterFixture.QoS1, 0);
        router.AddRemoteRoute("a", "n2");
        router.Unsubscribe("c1", "a");
        router.Unsubscribe("c2", "a");

        Assert.Equal(["+a@n1", "-a@n1"], replicator.Changes);
        Assert.Equal(["n2"], router.Routes.Find("a")!.Nodes);
    }

    [Fact]
    public void Routes_of_other_nodes_are_kept_and_counted_but_deliver_nothing_here()
    {
        Assert.True(_f.Router.AddRemoteRoute("a/+", "n2"));
        Assert.False(_f.Router.AddRemoteRoute("a/+", "n2"));
        _f.Router.AddRemoteRoute("a/+", "n3");
        var local = _f.Subscribe("c1", "a/+");

        Assert.Equal(3, _f.Router.Routes.RouteCount);
        Assert.Equal(1, _f.Router.Routes.FilterCount);
        Assert.Equal(1, _f.Router.Publish(_f.Message("a/b")));
        Assert.Single(local.Delivered);

        _f.Router.Unsubscribe("c1", "a/+");
        Assert.Equal(0, _f.Router.Publish(_f.Message("a/b")));
        Assert.True(_f.Router.RemoveRemoteRoute("a/+", "n2"));
        Assert.True(_f.Router.RemoveRemoteRoute("a/+", "n3"));
        Assert.True(_f.Router.Routes.IsPruned);
        Assert.Throws<ArgumentException>(() => _f.Router.AddRemoteRoute("a", "n1"));
    }

    [Fact]
    public void MQTT_3_3_2_5_message_expired_at_publish_is_not_routed()
    {
        var session = _f.Subscribe("c1", "a");
        var message = _f.Message("a", retain: true, expirySeconds: 10);
        _f.Clock.Advance(TimeSpan.FromSeconds(10));

        Assert.Equal(0, _f.Router.Publish(message));
        Assert.Empty(session.Delivered);
        Assert.Equal(0, _f.Router.Retained.Count);
        Assert.Equal(1, _f.Metrics.MessagesExpired);
    }

    [Fact]
    public void Retained_publish_is_stored_and_delivered_as_published()
    {
        var session = _f.Subscribe("c1", "a/#");
        var message = _f.Message("a/b", retain: true);

        Assert.Equal(1, _f.Router.Publish(message));

        Assert.Same(message, Assert.Single(session.Delivered).Message);
        Assert.False(session.Delivered[0].FromRetained);
        Assert.Equal([message], _f.Router.GetRetained("a/+"));
    }

    [Fact]
    public void MQTT_3_3_1_6_empty_retained_publish_deletes_and_is_still_delivered()
    {
        _f.Router.Publish(_f.Message("a", retain: true));
        var session = _f.Subscribe("c1", "a");

        Assert.Equal(1, _f.Router.Publish(_f.Message("a", payload: "", retain: true)));
        Assert.Single(session.Delivered);
        Assert.Empty(_f.Router.GetRetained("a"));
    }

    [Fact]
    public void Retained_messages_are_not_given_to_shared_filters()
    {
        _f.Router.Publish(_f.Message("a", retain: true));

        Assert.Single(_f.Router.GetRetained("a"));
        Assert.Empty(_f.Router.GetRetained("$share/g/a"));
        Assert.Empty(_f.Router.GetRetained("$queue/a"));
    }

    [Fact]
    public void Invalid_filter_is_refused()
    {
        Assert.Throws<ArgumentException>(() => _f.Subscribe("c1", "a/#/b"));
        Assert.Throws<ArgumentException>(() => _f.Subscribe("c1", "$share/g"));
    }

    private sealed class RecordingReplicator : IRouteReplicator
    {
        public List<string> Changes { get; } = [];

        public void RouteAdded(string filter, string node) => Changes.Add($"+{filter}@{node}");

        public void RouteRemoved(string filter, string node) => Changes.Add($"-{filter}@{node}");
    }
}
