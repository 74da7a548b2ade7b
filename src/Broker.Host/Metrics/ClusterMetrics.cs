using Prometheus;

namespace Broker.Host.Metrics;

/// <summary>EMQX's <c>cluster.nodes_running</c> and <c>cluster.nodes_stopped</c> (<see cref="ClusterCounts"/>).</summary>
internal sealed class ClusterMetrics(IMetricFactory factory)
{
    private readonly Gauge _running = factory.CreateGauge("emqx_cluster_nodes_running", "Cluster members up and reachable, as this node sees them.");
    private readonly Gauge _stopped = factory.CreateGauge("emqx_cluster_nodes_stopped", "Cluster members not up, or unreachable, as this node sees them.");

    public void Collect(ClusterCounts cluster)
    {
        _running.Set(cluster.Running.Count);
        _stopped.Set(cluster.Stopped);
    }
}
