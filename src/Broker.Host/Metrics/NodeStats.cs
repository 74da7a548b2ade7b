using Broker.Core.Messaging;
using Broker.Core.Retained;
using Broker.Core.Routing;
using Broker.Mqtt;
using Broker.Transport.Connections;

namespace Broker.Host.Metrics;

/// <summary>
/// The broker's sizes on this node as they stand, read once for whoever shows them: Prometheus (<see cref="StatsMetrics"/>)
/// and the API's <c>/api/v5/stats</c> and <c>/api/v5/nodes</c>.
/// </summary>
/// <param name="Topics">Filters in the route table, with subscribers on any node: the same on every node (EMQX's global <c>topics.count</c>).</param>
internal sealed record NodeStats(int Connections, int Sessions, int Subscriptions, int SharedSubscriptions, int Topics, int Routes, int Retained)
{
    public static NodeStats Read(ConnectionTracker connections, BrokerMetrics metrics, RouteTable routes, RetainedStore retained) => new(
        connections.Count,
        metrics.Sessions,
        routes.SubscriptionCount,
        routes.SharedSubscriptionCount,
        routes.Nodes.FilterCount,
        routes.Nodes.RouteCount,
        retained.Count);

    /// <summary>Under EMQX's names (<c>GET /api/v5/stats</c>).</summary>
    public IReadOnlyList<KeyValuePair<string, long>> Named() =>
    [
        new("connections.count", Connections),
        new("live_connections.count", Connections),
        new("sessions.count", Sessions),
        new("subscriptions.count", Subscriptions),
        new("subscriptions.shared.count", SharedSubscriptions),
        new("suboptions.count", Subscriptions),
        new("topics.count", Topics),
        new("routes.count", Routes),
        new("retained.count", Retained),
    ];

    /// <summary>What every node holds alike: taken from one node, not added up across them (as EMQX's aggregate does).</summary>
    public static bool IsGlobal(string name) => name is "topics.count" or "retained.count" or "subscriptions.shared.count";
}

/// <summary>
/// The broker's counters on this node under EMQX's metric names (<c>GET /api/v5/metrics</c>): the same sources Prometheus
/// reads (<see cref="BrokerMetrics"/>, <see cref="ConnectionTracker.Totals"/>), read once a request.
/// </summary>
internal static class NodeCounters
{
    private static readonly QualityOfService[] Levels = [QualityOfService.AtMostOnce, QualityOfService.AtLeastOnce, QualityOfService.ExactlyOnce];

    public static IReadOnlyList<KeyValuePair<string, long>> Read(BrokerMetrics metrics, ConnectionTracker connections)
    {
        var totals = connections.Totals();
        var named = new List<KeyValuePair<string, long>>
        {
            new("bytes.received", totals.BytesReceived),
            new("bytes.sent", totals.BytesSent),
            new("client.connected", metrics.ConnectionsAccepted),
            new("authentication.success", totals.AuthenticationSucceeded),
            new("authentication.success.anonymous", totals.AuthenticatedAnonymously),
            new("authentication.failure", totals.AuthenticationFailed),
            new("authorization.allow", totals.AuthorizationsAllowed),
            new("authorization.deny", totals.AuthorizationsDenied),
            new("messages.received", metrics.MessagesReceived),
            new("messages.sent", metrics.MessagesDelivered),
            new("messages.delivered", metrics.MessagesDelivered),
        };
        foreach (var qos in Levels)
        {
            named.Add(new($"messages.qos{(int)qos}.received", metrics.Received(qos)));
            named.Add(new($"messages.qos{(int)qos}.sent", metrics.Delivered(qos)));
        }

        var dropped = 0L;
        var deliveryDropped = 0L;
        foreach (var reason in DropReasons.All)
        {
            var count = metrics.Dropped(reason);
            named.Add(new(reason.MetricName(), count));
            if (reason.MetricName().StartsWith("messages.", StringComparison.Ordinal))
            {
                dropped += count;
            }
            else
            {
                deliveryDropped += count;
            }
        }

        named.Add(new("messages.dropped", dropped));
        named.Add(new("delivery.dropped", deliveryDropped));
        return named;
    }
}
