using System.Collections.Concurrent;
using Broker.Core.Messaging;
using Broker.Core.Routing;
using Broker.Mqtt;
using Broker.Mqtt.Packets;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Broker.Cluster.Tests;

/// <summary>One broker node as the host will wire it: the cluster, a route table attached to it, and a receive callback.</summary>
internal sealed class TestNode : IAsyncDisposable
{
    private TestNode(BrokerCluster cluster)
    {
        Cluster = cluster;
        Routes = new RouteTable(cluster.NodeName, cluster.Routes);
        cluster.Routes.Attach(Routes);
        cluster.StartReceiving(Received.Enqueue);
    }

    public BrokerCluster Cluster { get; }

    public RouteTable Routes { get; }

    public ConcurrentQueue<ApplicationMessage> Received { get; } = new();

    public string Name => Cluster.NodeName;

    public static async Task<TestNode> StartAsync(ClusterSettings settings, ILoggerFactory? logs = null) =>
        new(await BrokerCluster.StartAsync(settings, logs ?? NullLoggerFactory.Instance));

    public void Subscribe(string clientId, string filter) =>
        Routes.Subscribe(clientId, new NoSession(clientId), filter, new SubscriptionOptions(QualityOfService.AtLeastOnce), 0);

    public void Unsubscribe(string clientId, string filter) => Routes.Unsubscribe(clientId, filter);

    public bool HasRoute(string filter, string node) => Routes.Nodes.Find(filter)?.HasNode(node) == true;

    public ValueTask DisposeAsync() => Cluster.DisposeAsync();
}
