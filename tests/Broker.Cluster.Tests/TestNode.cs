using Broker.Core.Messaging;
using Broker.Core.Routing;
using Broker.Mqtt;
using Broker.Mqtt.Packets;
using Microsoft.Extensions.Logging.Abstractions;

namespace Broker.Cluster.Tests;

/// <summary>One broker node as the host wires it: the cluster, a route table attached to it, and a dispatcher that forwards and receives.</summary>
internal sealed class TestNode : IAsyncDisposable
{
    private TestNode(BrokerCluster cluster)
    {
        Cluster = cluster;
        Routes = new RouteTable(cluster.NodeName, cluster.Routes);
        Dispatcher = new Dispatcher(Routes, SharedSubscriptionStrategy.RoundRobin, new BrokerMetrics(), forwarder: cluster.Forwarder);
        cluster.Routes.Attach(Routes);
        cluster.StartReceiving(Dispatcher, commitsWaitForStorage: false);
    }

    public BrokerCluster Cluster { get; }

    public RouteTable Routes { get; }

    public Dispatcher Dispatcher { get; }

    public string Name => Cluster.NodeName;

    public static async Task<TestNode> StartAsync(ClusterSettings settings) =>
        new(await BrokerCluster.StartAsync(settings, NullLoggerFactory.Instance));

    /// <summary>A subscriber that is never delivered to here: for tests that look at routes, not at sessions.</summary>
    public void Subscribe(string clientId, string filter) =>
        Routes.Subscribe(clientId, new NoSession(clientId), filter, new SubscriptionOptions(QualityOfService.AtLeastOnce), 0);

    /// <summary>A subscriber whose deliveries the test reads; <paramref name="full"/> makes it join every QoS 1/2 commit.</summary>
    public Inbox Listen(string clientId, string filter, bool full = false)
    {
        var inbox = new Inbox(clientId, full);
        Routes.Subscribe(clientId, inbox, filter, new SubscriptionOptions(QualityOfService.AtLeastOnce), 0, room: inbox);
        return inbox;
    }

    public void Unsubscribe(string clientId, string filter) => Routes.Unsubscribe(clientId, filter);

    public bool HasRoute(string filter, string node) => Routes.Nodes.Find(filter)?.HasNode(node) == true;

    public ValueTask DisposeAsync() => Cluster.DisposeAsync();
}
