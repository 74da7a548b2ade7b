using Prometheus;

namespace Broker.Host.Metrics;

/// <summary>
/// One node's metrics for Prometheus, in a registry of its own (not prometheus-net's static default), so that several
/// brokers in one process (tests, benchmarks) each report their own. Nothing is counted for it: at each scrape,
/// before the exposition is written, the counters the broker keeps anyway are read into one <see cref="NodeSnapshot"/>
/// (the <c>$SYS</c> topics read the same) and every part sets its metrics from it
/// (<see cref="CollectorRegistry.AddBeforeCollectCallback(Action)"/>), so that a broker nobody scrapes pays nothing.
/// Served by <see cref="Management.PrometheusRoutes"/>.
/// </summary>
public sealed class PrometheusMetrics
{
    internal PrometheusMetrics(BrokerRuntime runtime)
    {
        Registry = Prometheus.Metrics.NewCustomRegistry();
        var factory = Prometheus.Metrics.WithCustomRegistry(Registry);
        var stats = new StatsMetrics(factory);
        var connections = new ConnectionMetrics(factory);
        var messages = new MessageMetrics(factory);
        var persistence = new PersistenceMetrics(factory, runtime.Persistence);
        var cluster = new ClusterMetrics(factory);
        var process = new RuntimeMetrics(factory);
        var statistics = runtime.Statistics;
        Registry.AddBeforeCollectCallback(() =>
        {
            var snapshot = statistics.Take();
            stats.Collect(snapshot.Stats);
            connections.Collect(snapshot);
            messages.Collect(snapshot);
            persistence.Collect();
            cluster.Collect(snapshot.Cluster);
            process.Collect();
        });
    }

    public CollectorRegistry Registry { get; }
}
