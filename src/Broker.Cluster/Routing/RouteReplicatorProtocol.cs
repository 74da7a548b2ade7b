using Broker.Core.Routing;

namespace Broker.Cluster.Routing;

/// <summary>The messages <see cref="RouteReplicatorActor"/> takes from <see cref="ClusterRouteReplicator"/> and <see cref="BrokerCluster"/>.</summary>
internal static class RouteReplicatorProtocol
{
    public sealed record LocalRouteAdded(string Filter);

    public sealed record LocalRouteRemoved(string Filter);

    public sealed record Attach(RouteTable Routes);

    /// <summary>The leader's periodic sweep of routes whose node is no longer a member (a missed removal, a leader change).</summary>
    public sealed class Sweep
    {
        public static readonly Sweep Instance = new();
    }
}
