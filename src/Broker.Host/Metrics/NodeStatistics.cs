using Broker.Cluster;
using Broker.Core.Messaging;
using Broker.Core.Retained;
using Broker.Core.Routing;
using Broker.Transport.Connections;

namespace Broker.Host.Metrics;

/// <summary>
/// Reads what the broker's parts count into a <see cref="NodeSnapshot"/>: the one place that knows where each figure
/// lives, for Prometheus' scrape, the <c>$SYS</c> topics and the alarms alike. Nothing is counted for it; a reading
/// walks the live connections once (<see cref="ConnectionTracker.Totals"/>), so it is for timers and scrapes, not for
/// a hot path.
/// </summary>
internal sealed class NodeStatistics(
    BrokerMetrics metrics, ConnectionTracker connections, RouteTable routes, RetainedStore retained, Func<BrokerCluster?> cluster, Func<string> nodeName)
{
    public NodeSnapshot Take() => new(
        Stats(),
        connections.Totals(),
        [.. NodeSnapshot.QoSLevels.Select(metrics.Received)],
        [.. NodeSnapshot.QoSLevels.Select(metrics.Delivered)],
        [.. DropReasons.All.Select(metrics.Dropped)],
        metrics.ConnectionsAccepted,
        Cluster());

    /// <summary>The sizes alone, without the walk of the connections <see cref="Take"/> makes for their totals.</summary>
    public NodeStats Stats() => new(connections.Count, metrics.Sessions, routes.Nodes.FilterCount, routes.Nodes.RouteCount,
        routes.SubscriptionCount, routes.SharedSubscriptionCount, retained.Count);

    /// <summary>The membership alone, for what needs no more (the partition alarm).</summary>
    public ClusterCounts Cluster()
    {
        if (cluster() is not { } current || current.Members is not { Members.Count: > 0 } members)
        {
            return new ClusterCounts([nodeName()], 0, []);
        }

        var unreachable = members.Unreachable.Select(u => u.Node).ToArray();
        var lost = unreachable.ToHashSet(StringComparer.Ordinal);
        var running = members.Members
            .Where(m => m.Status is ClusterMemberStatus.Up or ClusterMemberStatus.WeaklyUp && !lost.Contains(m.Node))
            .Select(m => m.Node).ToArray();
        return new ClusterCounts(running, members.Members.Count - running.Length, unreachable);
    }
}
