using Prometheus;

namespace Broker.Host.Metrics;

/// <summary>
/// One node's metrics for Prometheus, in a registry of its own (not prometheus-net's static default), so that several
/// brokers in one process (tests, benchmarks) each report their own. Nothing is counted for it: at each scrape,
/// before the exposition is written, every part reads the counters the broker keeps anyway and sets its metrics
/// (<see cref="CollectorRegistry.AddBeforeCollectCallback(Action)"/>), so that a broker nobody scrapes pays nothing.
/// Served by <see cref="Management.PrometheusRoutes"/>.
/// </summary>
public sealed class PrometheusMetrics
{
    internal PrometheusMetrics(BrokerRuntime runtime)
    {
        Registry = Prometheus.Metrics.NewCustomRegistry();
        var factory = Prometheus.Metrics.WithCustomRegistry(Registry);
        var stats = new StatsMetrics(factory, runtime.ReadStats);
        var connections = new ConnectionMetrics(factory, runtime.Context.Connections);
        var messages = new MessageMetrics(factory, runtime.Context.Metrics);
        var persistence = new PersistenceMetrics(factory, runtime.Persistence);
        var cluster = new ClusterMetrics(factory, () => runtime.Cluster);
        var process = new RuntimeMetrics(Registry, factory);
        Registry.AddBeforeCollectCallback(() =>
        {
            stats.Collect();
            connections.Collect();
            messages.Collect();
            persistence.Collect();
            cluster.Collect();
            process.Collect();
        });
    }

    public CollectorRegistry Registry { get; }
}
