using Broker.Core.Messaging;
using Broker.Core.Routing;

namespace Broker.Core.Tests.Routing;

/// <summary>Other nodes on the matching routes get a message once each; a message from another node stays here.</summary>
public sealed class NodeForwardingTests
{
    private readonly RouterFixture _f = new();
    private readonly RecordingForwarder _forwarder = new();
    private readonly Dispatcher _dispatcher;

    public NodeForwardingTests() =>
        _dispatcher = new Dispatcher(_f.Routes, SharedSubscriptionStrategy.Random, _f.Metrics, new Random(1), _forwarder);

    [Fact]
    public void A_node_with_several_matching_filters_gets_the_message_once()
    {
        _f.Routes.AddRemoteRoute("plant/+/temp", "node-b");
        _f.Routes.AddRemoteRoute("plant/#", "node-b");
        _f.Routes.AddRemoteRoute("plant/1/temp", "node-c");
        var local = _f.Subscribe("c1", "plant/#");
        var message = _f.Message("plant/1/temp");

        Assert.Equal(3, _dispatcher.Dispatch(message));

        Assert.Single(local.Delivered);
        Assert.Equal(["node-b", "node-c"], _forwarder.Forwarded.Select(f => f.Node).Order());
        Assert.All(_forwarder.Forwarded, f => Assert.Same(message, f.Message));
    }

    [Fact]
    public void A_forwarded_message_is_delivered_here_only()
    {
        _f.Routes.AddRemoteRoute("a/b", "node-b");
        var local = _f.Subscribe("c1", "a/b");

        Assert.Equal(1, _dispatcher.DispatchForwarded(_f.Message("a/b"), groups: null));

        Assert.Single(local.Delivered);
        Assert.Empty(_forwarder.Forwarded);
    }

    [Fact]
    public void Subscribers_on_another_node_only_are_matching_subscribers()
    {
        _f.Routes.AddRemoteRoute("a/b", "node-b");

        Assert.Equal(1, _dispatcher.Dispatch(_f.Message("a/b")));
        Assert.Equal(0, _f.Metrics.Dropped(DropReason.NoSubscribers));
    }

    [Fact]
    public void Without_a_forwarder_other_nodes_routes_deliver_nothing()
    {
        _f.Routes.AddRemoteRoute("a/b", "node-b");

        Assert.Equal(0, _f.Dispatcher.Dispatch(_f.Message("a/b")));
    }

    [Fact]
    public void A_group_with_members_on_two_nodes_gets_each_message_once_by_round_robin()
    {
        var f = new RouterFixture(SharedSubscriptionStrategy.RoundRobin);
        var dispatcher = new Dispatcher(f.Routes, SharedSubscriptionStrategy.RoundRobin, f.Metrics, new Random(1), _forwarder);
        f.Routes.AddRemoteRoute("$share/g/a/+", "node-b");
        var m1 = f.Subscribe("m1", "$share/g/a/+");
        var m2 = f.Subscribe("m2", "$share/g/a/+");

        for (var i = 0; i < 8; i++)
        {
            Assert.Equal(1, dispatcher.Dispatch(f.Message("a/x")));
        }

        // Nodes alternate (n1, node-b), then members within n1.
        Assert.Equal(4, _forwarder.Forwarded.Count);
        Assert.All(_forwarder.Forwarded, x => Assert.Equal(["$share/g/a/+"], x.Groups!));
        Assert.Equal(2, m1.Delivered.Count);
        Assert.Equal(2, m2.Delivered.Count);
    }

    [Fact]
    public void A_node_picked_for_a_group_and_holding_plain_subscribers_gets_one_copy_naming_the_group()
    {
        _f.Routes.AddRemoteRoute("$share/g/a/#", "node-b");
        _f.Routes.AddRemoteRoute("a/b", "node-b");
        _f.Routes.AddRemoteRoute("$share/h/a/b", "node-c");

        Assert.Equal(2, _dispatcher.Dispatch(_f.Message("a/b")));

        var forwarded = _forwarder.Forwarded.OrderBy(x => x.Node, StringComparer.Ordinal).ToArray();
        Assert.Equal("node-b", forwarded[0].Node);
        Assert.Equal(["$share/g/a/#"], forwarded[0].Groups!);
        Assert.Equal("node-c", forwarded[1].Node);
        Assert.Equal(["$share/h/a/b"], forwarded[1].Groups!);
    }

    [Fact]
    public void A_forwarded_message_reaches_only_the_groups_this_node_was_picked_for()
    {
        var g = _f.Subscribe("g1", "$share/g/a/b");
        var h = _f.Subscribe("h1", "$share/h/a/b");
        var plain = _f.Subscribe("p1", "a/+");

        Assert.Equal(2, _dispatcher.DispatchForwarded(_f.Message("a/b"), ["$share/g/a/b"]));
        Assert.Equal(1, _dispatcher.DispatchForwarded(_f.Message("a/b"), groups: null));

        Assert.Single(g.Delivered);
        Assert.Empty(h.Delivered);
        Assert.Equal(2, plain.Delivered.Count);
        Assert.Empty(_forwarder.Forwarded);
    }

    [Fact]
    public void The_forwarder_gets_the_publishers_credit_and_commit()
    {
        _f.Routes.AddRemoteRoute("a/b", "node-b");
        var commit = new PublishCommit(_ => { }, waitsForStorage: false);

        _dispatcher.Dispatch(_f.Message("a/b"), credit: null, commit);

        Assert.Same(commit, _forwarder.Forwarded.Single().Commit);
    }

    [Fact]
    public void A_publish_waiting_for_storage_is_forwarded_as_durable_to_nodes_with_durable_subscribers_only()
    {
        _f.Routes.AddRemoteRoute("plant/#", "node-b");
        _f.Routes.AddRemoteRoute("\0plant/#", "node-b");
        _f.Routes.AddRemoteRoute("plant/+/temp", "node-c");

        _dispatcher.Dispatch(_f.Message("plant/1/temp") with { QoS = Mqtt.QualityOfService.AtLeastOnce }, credit: null, new PublishCommit(_ => { }, waitsForStorage: true));
        _dispatcher.Dispatch(_f.Message("plant/1/temp") with { QoS = Mqtt.QualityOfService.AtLeastOnce }, credit: null, new PublishCommit(_ => { }, waitsForStorage: false));
        _dispatcher.Dispatch(_f.Message("plant/1/temp"), credit: null, new PublishCommit(_ => { }, waitsForStorage: true));

        Assert.Equal(
            [("node-b", true), ("node-c", false), ("node-b", false), ("node-c", false), ("node-b", false), ("node-c", false)],
            _forwarder.Forwarded.Select(f => (f.Node, f.Durable)));
    }

    [Fact]
    public void A_node_left_with_its_durable_route_alone_gets_the_publishes_that_wait_for_storage_only()
    {
        // A removed node whose durable sessions are being adopted elsewhere: the forwarder holds their commits, then fails them.
        _f.Routes.AddRemoteRoute("\0plant/#", "node-b");

        Assert.Equal(1, _dispatcher.Dispatch(_f.Message("plant/1") with { QoS = Mqtt.QualityOfService.ExactlyOnce }, credit: null, new PublishCommit(_ => { }, waitsForStorage: true)));
        Assert.Equal(0, _dispatcher.Dispatch(_f.Message("plant/1") with { QoS = Mqtt.QualityOfService.ExactlyOnce }, credit: null, new PublishCommit(_ => { }, waitsForStorage: false)));

        Assert.Equal([("node-b", true)], _forwarder.Forwarded.Select(f => (f.Node, f.Durable)));
    }

    [Fact]
    public void A_forwarder_set_later_gets_the_next_messages()
    {
        _f.Routes.AddRemoteRoute("a/b", "node-b");
        Assert.Equal(0, _f.Dispatcher.Dispatch(_f.Message("a/b")));

        _f.Dispatcher.SetForwarder(_forwarder);

        Assert.Equal(1, _f.Dispatcher.Dispatch(_f.Message("a/b")));
        Assert.Equal(["node-b"], _forwarder.Forwarded.Select(f => f.Node));
        Assert.Throws<InvalidOperationException>(() => _f.Dispatcher.SetForwarder(new RecordingForwarder()));
        Assert.Throws<InvalidOperationException>(() => _dispatcher.SetForwarder(new RecordingForwarder()));
    }

    private sealed class RecordingForwarder : INodeForwarder
    {
        public List<(string Node, ApplicationMessage Message, string[]? Groups, PublishCommit? Commit, bool Durable)> Forwarded { get; } = [];

        public void Forward(string node, ApplicationMessage message, string[]? groups, IInboundCredit? credit, PublishCommit? commit, bool durable) =>
            Forwarded.Add((node, message, groups, commit, durable));
    }
}
