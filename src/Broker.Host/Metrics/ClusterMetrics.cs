using Broker.Cluster;
using Prometheus;

namespace Broker.Host.Metrics;

/// <summary>
/// EMQX's <c>cluster.nodes_running</c> and <c>cluster.nodes_stopped</c> from the membership this node sees: running
/// are the Up (or WeaklyUp) members none of whose failure detectors lost; the other members are stopped. A node in no
/// cluster, or not joined yet, is one running node.
/// </summary>
internal sealed class ClusterMetrics(IMetricFactory factory, Func<BrokerCluster?> cluster)
{
    private readonly Gauge _running = factory.CreateGauge("emqx_cluster_nodes_running", "Cluster members up and reachable, as this node sees them.");
    private readonly Gauge _stopped = factory.CreateGauge("emqx_cluster_nodes_stopped", "Cluster members not up, or unreachable, as this node sees them.");

    public void Collect()
    {
        if (cluster() is not { } current || current.Members is not { Members.Count: > 0 } members)
        {
            _running.Set(1);
            _stopped.Set(0);
            return;
        }

        var unreachable = members.Unreachable.Select(u => u.Node).ToHashSet(StringComparer.Ordinal);
        var running = members.Members.Count(m => m.Status is ClusterMemberStatus.Up or ClusterMemberStatus.WeaklyUp && !unreachable.Contains(m.Node));
        _running.Set(running);
        _stopped.Set(members.Members.Count - running);
    }
}
