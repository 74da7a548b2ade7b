using Prometheus;

namespace Broker.Host.Metrics;

/// <summary>EMQX's stats, the broker's sizes read as they stand: sessions, topics and routes, subscriptions, retained messages.</summary>
internal sealed class StatsMetrics(IMetricFactory factory, Func<NodeStats> read)
{
    private readonly Gauge _sessions = factory.CreateGauge("emqx_sessions_count", "Sessions on this node, connected or not.");
    private readonly Gauge _topics = factory.CreateGauge("emqx_topics_count", "Topic filters in the route table, with subscribers on any node of the cluster.");
    private readonly Gauge _routes = factory.CreateGauge("emqx_routes_count", "Routes in the route table: (topic filter, node) pairs, each shared group of a node counted.");
    private readonly Gauge _subscriptions = factory.CreateGauge("emqx_subscriptions_count", "Subscriptions on this node, shared ones included.");
    private readonly Gauge _shared = factory.CreateGauge("emqx_subscriptions_shared_count", "Subscriptions to shared groups on this node.");
    private readonly Gauge _retained = factory.CreateGauge("emqx_retained_count", "Retained messages.");

    public void Collect()
    {
        var stats = read();
        _sessions.Set(stats.Sessions);
        _topics.Set(stats.Topics);
        _routes.Set(stats.Routes);
        _subscriptions.Set(stats.Subscriptions);
        _shared.Set(stats.SharedSubscriptions);
        _retained.Set(stats.Retained);
    }
}
