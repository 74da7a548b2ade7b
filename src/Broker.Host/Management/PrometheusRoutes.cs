using Broker.Host.Metrics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Prometheus;

namespace Broker.Host.Management;

/// <summary>
/// EMQX's <c>GET /api/v5/prometheus/stats</c>: the node's metrics in Prometheus' text exposition format (OpenMetrics
/// to a scraper that asks for it), written by prometheus-net. Open without credentials, as EMQX's is; not mapped,
/// so 404, when <c>prometheus.enable = false</c>. A class of its own so that every HTTP listener that serves the API
/// maps the same route on the node's one registry.
/// </summary>
public static class PrometheusRoutes
{
    public const string Path = "/api/v5/prometheus/stats";

    /// <param name="metrics">The node's metrics; null when <c>prometheus.enable = false</c>.</param>
    public static void Map(IEndpointRouteBuilder app, PrometheusMetrics? metrics)
    {
        ArgumentNullException.ThrowIfNull(app);
        if (metrics is not null)
        {
            app.MapMetrics(Path, metrics.Registry);
        }
    }
}
