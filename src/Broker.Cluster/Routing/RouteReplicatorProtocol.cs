using Broker.Core.Routing;

namespace Broker.Cluster.Routing;

/// <summary>The messages <see cref="RouteReplicatorActor"/> takes from <see cref="ClusterRouteReplicator"/> and <see cref="BrokerCluster"/>.</summary>
internal static class RouteReplicatorProtocol
{
    public sealed record LocalRouteAdded(string Filter);

    public sealed record LocalRouteRemoved(string Filter);

    public sealed record Attach(RouteTable Routes);

    /// <summary>
    /// Writes the key of <paramref name="Filter"/> to every reachable node (WriteAll) after this node's earlier writes,
    /// answering the sender with the replicator's update response: a session moved here waits for it, so that no node
    /// still routes its messages to the node it left.
    /// </summary>
    public sealed record Spread(string Filter, TimeSpan Timeout);

    /// <summary>The durable sessions of the removed node at <paramref name="Node"/> (an address) are all adopted: its durable routes kept meanwhile go.</summary>
    public sealed record AdoptionCompleted(string Node);

    /// <summary>The leader's periodic sweep of routes whose node is no longer a member (a missed removal, a leader change).</summary>
    public sealed class Sweep
    {
        public static readonly Sweep Instance = new();
    }
}
