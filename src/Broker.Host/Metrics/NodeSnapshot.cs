using Broker.Core.Messaging;
using Broker.Mqtt;
using Broker.Transport.Connections;

namespace Broker.Host.Metrics;

/// <summary>
/// What the node counts, read once (<see cref="NodeStatistics.Take"/>): Prometheus' scrape and the <c>$SYS</c> topics
/// both report from one of these, so that each figure is read in one place and named the same way in both.
/// </summary>
/// <param name="Received">PUBLISH packets received from clients, by QoS (index 0 to 2).</param>
/// <param name="Sent">PUBLISH packets sent to clients, by the QoS they were sent with.</param>
/// <param name="Dropped">Messages dropped, by <see cref="DropReason"/> (its value as the index).</param>
internal sealed record NodeSnapshot(
    NodeStats Stats,
    ConnectionTotals Connections,
    IReadOnlyList<long> Received,
    IReadOnlyList<long> Sent,
    IReadOnlyList<long> Dropped,
    long ConnectionsAccepted,
    ClusterCounts Cluster)
{
    /// <summary>EMQX's stats (<c>emqx_stats:getstats()</c>) this broker has, under EMQX's names.</summary>
    public IEnumerable<(string Name, long Value)> EmqxStats() => Stats.Emqx();

    /// <summary>EMQX's metrics (<c>emqx_metrics:all()</c>) this broker counts, under EMQX's names.</summary>
    public IEnumerable<(string Name, long Value)> EmqxMetrics()
    {
        yield return ("bytes.received", Connections.BytesReceived);
        yield return ("bytes.sent", Connections.BytesSent);
        yield return ("client.connected", ConnectionsAccepted);
        yield return ("messages.received", Received.Sum());
        yield return ("messages.sent", Sent.Sum());
        yield return ("messages.delivered", Sent.Sum());
        foreach (var qos in QoSLevels)
        {
            yield return ($"messages.qos{(int)qos}.received", Received[(int)qos]);
            yield return ($"messages.qos{(int)qos}.sent", Sent[(int)qos]);
        }

        yield return ("messages.dropped", DropReasons.All.Where(r => r.MetricName().StartsWith("messages.", StringComparison.Ordinal)).Sum(r => Dropped[(int)r]));
        yield return ("delivery.dropped", DropReasons.All.Where(r => r.MetricName().StartsWith("delivery.", StringComparison.Ordinal)).Sum(r => Dropped[(int)r]));
        foreach (var reason in DropReasons.All)
        {
            yield return (reason.MetricName(), Dropped[(int)reason]);
        }

        yield return ("authentication.success", Connections.AuthenticationSucceeded);
        yield return ("authentication.success.anonymous", Connections.AuthenticatedAnonymously);
        yield return ("authentication.failure", Connections.AuthenticationFailed);
        yield return ("authorization.allow", Connections.AuthorizationsAllowed);
        yield return ("authorization.deny", Connections.AuthorizationsDenied);
    }

    /// <summary>The stats every node holds alike: taken from one node, not added up across them (as EMQX's aggregate does).</summary>
    public static bool IsGlobalStat(string name) => name is "topics.count" or "retained.count" or "subscriptions.shared.count";

    public static IReadOnlyList<QualityOfService> QoSLevels { get; } = [QualityOfService.AtMostOnce, QualityOfService.AtLeastOnce, QualityOfService.ExactlyOnce];
}

/// <summary>The broker's sizes as they stand (EMQX's stats).</summary>
internal readonly record struct NodeStats(int Connections, int Sessions, int Topics, int Routes, int Subscriptions, int SharedSubscriptions, int Retained)
{
    /// <summary>Under EMQX's names (<c>emqx_stats:getstats()</c>).</summary>
    public IEnumerable<(string Name, long Value)> Emqx()
    {
        yield return ("connections.count", Connections);
        yield return ("live_connections.count", Connections);
        yield return ("sessions.count", Sessions);
        yield return ("topics.count", Topics);
        yield return ("routes.count", Routes);
        yield return ("subscriptions.count", Subscriptions);
        yield return ("subscriptions.shared.count", SharedSubscriptions);
        yield return ("suboptions.count", Subscriptions);
        yield return ("retained.count", Retained);
    }
}

/// <summary>
/// The cluster as this node sees it (EMQX's <c>cluster.nodes_running</c>, <c>nodes_stopped</c>): running are the Up (or
/// WeaklyUp) members no failure detector lost; a node in no cluster, or not joined yet, is one running node.
/// </summary>
/// <param name="Running">The running members' names, this node's first when it runs.</param>
/// <param name="Unreachable">Members some node's failure detector lost: a partition, as far as this node can tell.</param>
internal sealed record ClusterCounts(IReadOnlyList<string> Running, int Stopped, IReadOnlyList<string> Unreachable);
