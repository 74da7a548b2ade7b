using Broker.Core.Routing;
using Broker.Mqtt;
using Broker.Mqtt.Packets;

namespace Broker.Core.Tests.Routing;

/// <summary>Subscribing and unsubscribing: the local table, and this node's and other nodes' routes in the node table.</summary>
public sealed class RouteTableTests
{
    private readonly RouterFixture _f = new();

    [Fact]
    public void MQTT_3_8_4_3_subscribing_again_to_the_same_filter_replaces_the_options()
    {
        var first = new RecordingSession("c1");
        var second = new RecordingSession("c1-again");
        Assert.True(_f.Routes.Subscribe("c1", first, "a/b", RouterFixture.QoS1, 1));

        var replaced = new SubscriptionOptions(QualityOfService.AtMostOnce, NoLocal: true);
        Assert.False(_f.Routes.Subscribe("c1", second, "a/b", replaced, 9));

        var subscription = _f.Routes.FindSubscription("c1", "a/b")!;
        Assert.Same(second, subscription.Session);
        Assert.Equal((replaced, 9), (subscription.Options, subscription.SubscriptionId));
        Assert.Equal(1, _f.Routes.Nodes.RouteCount);
    }

    [Fact]
    public void MQTT_3_10_4_1_unsubscribe_removes_only_the_identical_filter()
    {
        _f.Subscribe("c1", "a/+");

        Assert.False(_f.Routes.Unsubscribe("c1", "a/b"));
        Assert.False(_f.Routes.Unsubscribe("c2", "a/+"));
        Assert.True(_f.Routes.Unsubscribe("c1", "a/+"));
        Assert.False(_f.Routes.Unsubscribe("c1", "a/+"));

        Assert.Null(_f.Routes.FindSubscription("c1", "a/+"));
        Assert.Equal(0, _f.Routes.LocalFilterCount);
    }

    [Fact]
    public void Subscriptions_are_counted_once_each_shared_ones_also_apart_and_a_replaced_one_not_again()
    {
        _f.Subscribe("c1", "a/#");
        _f.Subscribe("c2", "a/#");
        _f.Subscribe("c1", "$share/g/a/#");
        _f.Subscribe("c1", "a/#");
        Assert.Equal((3, 1), (_f.Routes.SubscriptionCount, _f.Routes.SharedSubscriptionCount));

        Assert.False(_f.Routes.Unsubscribe("c3", "a/#"));
        _f.Routes.Unsubscribe("c1", "$share/g/a/#");
        _f.Routes.Unsubscribe("c1", "a/#");
        Assert.Equal((1, 0), (_f.Routes.SubscriptionCount, _f.Routes.SharedSubscriptionCount));
    }

    [Fact]
    public void Route_of_this_node_exists_from_the_first_local_subscriber_to_the_last()
    {
        _f.Subscribe("c1", "a/#");
        Assert.Equal(["n1"], _f.Routes.Nodes.Find("a/#")!.Nodes);
        _f.Subscribe("c2", "a/#");
        _f.Subscribe("c3", "$share/g/a/#");
        Assert.Equal(1, _f.Routes.Nodes.RouteCount);

        _f.Routes.Unsubscribe("c1", "a/#");
        _f.Routes.Unsubscribe("c3", "$share/g/a/#");
        Assert.NotNull(_f.Routes.Nodes.Find("a/#"));

        _f.Routes.Unsubscribe("c2", "a/#");
        Assert.Null(_f.Routes.Nodes.Find("a/#"));
        Assert.Equal(0, _f.Routes.LocalFilterCount);
        Assert.True(_f.Routes.Nodes.IsPruned);
    }

    [Fact]
    public void Replicator_hears_this_nodes_route_changes_only()
    {
        var replicator = new RecordingReplicator();
        var routes = new RouterFixture(replicator: replicator).Routes;
        var session = new RecordingSession("c");

        routes.Subscribe("c1", session, "a", RouterFixture.QoS1, 0);
        routes.Subscribe("c2", session, "a", RouterFixture.QoS1, 0);
        routes.AddRemoteRoute("a", "n2");
        routes.Unsubscribe("c1", "a");
        routes.Unsubscribe("c2", "a");

        Assert.Equal(["+a@n1", "-a@n1"], replicator.Changes);
        Assert.Equal(["n2"], routes.Nodes.Find("a")!.Nodes);
    }

    [Fact]
    public void Each_shared_group_is_a_route_of_its_own_beside_the_plain_subscribers()
    {
        var replicator = new RecordingReplicator();
        var routes = new RouterFixture(replicator: replicator).Routes;
        var session = new RecordingSession("c");

        routes.Subscribe("c1", session, "$share/g/a", RouterFixture.QoS1, 0);
        routes.Subscribe("c2", session, "$share/g/a", RouterFixture.QoS1, 0);
        routes.Subscribe("c3", session, "a", RouterFixture.QoS1, 0);
        routes.Subscribe("c4", session, "$queue/a", RouterFixture.QoS1, 0);
        Assert.Equal(["$share/$queue/a", "$share/g/a", "a"], routes.ReplicatedRoutes().Order(StringComparer.Ordinal));
        routes.Unsubscribe("c1", "$share/g/a");
        routes.Unsubscribe("c3", "a");
        routes.Unsubscribe("c2", "$share/g/a");
        routes.Unsubscribe("c4", "$queue/a");

        Assert.Equal(["+$share/g/a@n1", "+a@n1", "+$share/$queue/a@n1", "-a@n1", "-$share/g/a@n1", "-$share/$queue/a@n1"], replicator.Changes);
        Assert.True(routes.Nodes.IsPruned);
    }

    [Fact]
    public void A_filter_has_a_durable_route_while_a_durable_session_subscribes_to_it_plainly()
    {
        var replicator = new RecordingReplicator();
        var routes = new RouterFixture(replicator: replicator).Routes;
        var session = new RecordingSession("c");

        routes.Subscribe("c1", session, "a", RouterFixture.QoS1, 0);
        routes.Subscribe("c2", session, "a", RouterFixture.QoS1, 0, durable: true);
        routes.Subscribe("c3", session, "a", RouterFixture.QoS1, 0, durable: true);
        routes.Subscribe("c4", session, "$share/g/a", RouterFixture.QoS1, 0, durable: true);
        Assert.Equal(["\0a", "$share/g/a", "a"], routes.ReplicatedRoutes().Order(StringComparer.Ordinal));
        routes.Subscribe("c2", session, "a", RouterFixture.QoS1, 0, durable: false); // its session stopped outliving its connection
        routes.Unsubscribe("c3", "a");
        routes.Subscribe("c1", session, "a", RouterFixture.QoS1, 0, durable: true);
        routes.Unsubscribe("c1", "a");

        Assert.Equal(["+a@n1", "+\0a@n1", "+$share/g/a@n1", "-\0a@n1", "+\0a@n1", "-\0a@n1"], replicator.Changes);
    }

    [Fact]
    public void Other_nodes_durable_routes_mark_their_routes_and_outlast_them()
    {
        Assert.True(_f.Routes.AddRemoteRoute("a/+", "n2"));
        Assert.True(_f.Routes.AddRemoteRoute("\0a/+", "n2"));
        Assert.False(_f.Routes.AddRemoteRoute("\0a/+", "n2"));
        Assert.Equal(1, _f.Routes.Nodes.RouteCount);

        Assert.True(_f.Routes.RemoveRemoteRoute("a/+", "n2"));
        var route = _f.Routes.Nodes.Find("a/+")!;
        Assert.Empty(route.Nodes);
        Assert.Equal(["n2"], route.DurableNodes);

        Assert.True(_f.Routes.RemoveRemoteRoute("\0a/+", "n2"));
        Assert.False(_f.Routes.RemoveRemoteRoute("\0a/+", "n2"));
        Assert.True(_f.Routes.Nodes.IsPruned);
    }

    [Fact]
    public void Other_nodes_groups_are_kept_apart_from_their_plain_routes()
    {
        Assert.True(_f.Routes.AddRemoteRoute("$share/g/a/+", "n3"));
        Assert.True(_f.Routes.AddRemoteRoute("$share/g/a/+", "n2"));
        Assert.False(_f.Routes.AddRemoteRoute("$share/g/a/+", "n2"));
        _f.Routes.AddRemoteRoute("a/+", "n4");

        var route = _f.Routes.Nodes.Find("a/+")!;
        Assert.Equal(["n4"], route.Nodes);
        Assert.Equal(["n2", "n3"], route.FindShared("g")!.Nodes);
        Assert.Equal("$share/g/a/+", route.FindShared("g")!.SharedFilter);
        Assert.Equal(3, _f.Routes.Nodes.RouteCount);

        Assert.True(_f.Routes.RemoveRemoteRoute("$share/g/a/+", "n2"));
        Assert.True(_f.Routes.RemoveRemoteRoute("$share/g/a/+", "n3"));
        Assert.Null(route.FindShared("g"));
        Assert.True(_f.Routes.RemoveRemoteRoute("a/+", "n4"));
        Assert.True(_f.Routes.Nodes.IsPruned);
    }

    [Fact]
    public void A_replicator_attached_later_hears_every_local_filter_once_then_the_changes()
    {
        var session = new RecordingSession("c");
        _f.Routes.Subscribe("c1", session, "a", RouterFixture.QoS1, 0);
        _f.Routes.Subscribe("c2", session, "a", RouterFixture.QoS1, 0);
        _f.Routes.Subscribe("c3", session, "$share/g/b/#", RouterFixture.QoS1, 0);
        _f.Routes.AddRemoteRoute("c", "n2");
        var replicator = new RecordingReplicator();

        _f.Routes.AttachReplicator(replicator);
        Assert.Equal(["+$share/g/b/#@n1", "+a@n1"], replicator.Changes.Order(StringComparer.Ordinal));

        _f.Routes.Subscribe("c1", session, "d", RouterFixture.QoS1, 0);
        _f.Routes.Unsubscribe("c3", "$share/g/b/#");
        Assert.Equal(["+d@n1", "-$share/g/b/#@n1"], replicator.Changes.Skip(2));
        Assert.Throws<InvalidOperationException>(() => _f.Routes.AttachReplicator(new RecordingReplicator()));
    }

    [Fact]
    public async Task A_replicator_attached_during_subscribes_ends_with_exactly_the_local_filters()
    {
        var session = new RecordingSession("c");
        var replicator = new ConcurrentReplicator();
        using var attached = new ManualResetEventSlim();
        var churn = Enumerable.Range(0, 2).Select(t => Task.Run(() =>
        {
            // Bounded: until some rounds after the attach, 2,000 at most.
            for (var round = 0; round < 2_000 && !(attached.IsSet && round > 200); round++)
            {
                var filter = $"t{t}/{round % 37}";
                _f.Routes.Subscribe($"c{t}", session, filter, RouterFixture.QoS1, 0);
                if (round % 3 == 0)
                {
                    _f.Routes.Unsubscribe($"c{t}", filter);
                }
            }
        })).ToArray();

        while (_f.Routes.LocalFilterCount < 10 && !churn.All(c => c.IsCompleted))
        {
            Thread.Yield();
        }

        _f.Routes.AttachReplicator(replicator);
        attached.Set();
        await Task.WhenAll(churn).WaitAsync(TimeSpan.FromSeconds(30));

        var local = Enumerable.Range(0, 2).SelectMany(t => Enumerable.Range(0, 37).Select(i => (Client: $"c{t}", Filter: $"t{t}/{i}")))
            .Where(s => _f.Routes.FindSubscription(s.Client, s.Filter) is not null)
            .Select(s => s.Filter)
            .Order(StringComparer.Ordinal);
        Assert.Equal(local, replicator.Routes());
    }

    [Fact]
    public void Routes_of_other_nodes_are_kept_and_counted()
    {
        Assert.True(_f.Routes.AddRemoteRoute("a/+", "n2"));
        Assert.False(_f.Routes.AddRemoteRoute("a/+", "n2"));
        _f.Routes.AddRemoteRoute("a/+", "n3");
        _f.Subscribe("c1", "a/+");

        Assert.Equal(3, _f.Routes.Nodes.RouteCount);
        Assert.Equal(1, _f.Routes.Nodes.FilterCount);

        _f.Routes.Unsubscribe("c1", "a/+");
        Assert.True(_f.Routes.RemoveRemoteRoute("a/+", "n2"));
        Assert.True(_f.Routes.RemoveRemoteRoute("a/+", "n3"));
        Assert.True(_f.Routes.Nodes.IsPruned);
        Assert.Throws<ArgumentException>(() => _f.Routes.AddRemoteRoute("a", "n1"));
    }

    [Fact]
    public void Invalid_filter_is_refused()
    {
        Assert.Throws<ArgumentException>(() => _f.Subscribe("c1", "a/#/b"));
        Assert.Throws<ArgumentException>(() => _f.Subscribe("c1", "$share/g"));
    }

    /// <summary>Counts each filter's adds and removes; a route reported twice or removed unreported shows as a count other than 0 or 1.</summary>
    private sealed class ConcurrentReplicator : IRouteReplicator
    {
        private readonly System.Collections.Concurrent.ConcurrentDictionary<string, int> _counts = new();

        public void RouteAdded(string filter, string node) => _counts.AddOrUpdate(filter, 1, (_, n) => n + 1);

        public void RouteRemoved(string filter, string node) => _counts.AddOrUpdate(filter, -1, (_, n) => n - 1);

        public IEnumerable<string> Routes()
        {
            Assert.All(_counts, pair => Assert.InRange(pair.Value, 0, 1));
            return _counts.Where(pair => pair.Value == 1).Select(pair => pair.Key).Order(StringComparer.Ordinal);
        }
    }

    private sealed class RecordingReplicator : IRouteReplicator
    {
        public List<string> Changes { get; } = [];

        public void RouteAdded(string filter, string node) => Changes.Add($"+{filter}@{node}");

        public void RouteRemoved(string filter, string node) => Changes.Add($"-{filter}@{node}");
    }
}
