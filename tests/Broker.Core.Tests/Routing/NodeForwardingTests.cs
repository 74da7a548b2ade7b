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

        Assert.Equal(1, _dispatcher.DispatchLocal(_f.Message("a/b")));

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
        public List<(string Node, ApplicationMessage Message)> Forwarded { get; } = [];

        public void Forward(string node, ApplicationMessage message) => Forwarded.Add((node, message));
    }
}
