using Broker.Host.Metrics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Prometheus;

namespace Broker.Host.Management;

/// <summary>
/// EMQX's <c>GET /api/v5/prometheus/stats</c>: the node's metrics in Prometheus' text exposition format (0.0.4),
/// written by prometheus-net. Open without credentials, as EMQX's is; not mapped, so 404, when
/// <c>prometheus.enable = false</c>. A class of its own so that every HTTP listener that serves the API maps the same
/// route on the node's one registry.
/// <para>
/// The text format only, whatever the scraper's Accept asks, as EMQX answers: in OpenMetrics a counter must end in
/// <c>_total</c>, so prometheus-net types EMQX's counter names (<c>emqx_messages_received</c>) "unknown" there, and
/// Prometheus, which asks for OpenMetrics first, would lose their type (python3-prometheus-client's parser showed it).
/// </para>
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
            app.MapMetrics(settings =>
            {
                settings.Registry = metrics.Registry;
                settings.EnableOpenMetrics = false;
            }, Path);
        }
    }
}
