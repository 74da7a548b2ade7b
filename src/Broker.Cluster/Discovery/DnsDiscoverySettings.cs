namespace Broker.Cluster.Discovery;

/// <summary>
/// Seed nodes found through DNS (<c>cluster.discovery_strategy = dns</c>): the node looks the name up until it has
/// joined, and every node orders what it finds the same way, so exactly one of them forms the cluster.
/// </summary>
public sealed record DnsDiscoverySettings
{
    /// <summary>The name to look up, fully qualified, e.g. a Kubernetes headless service's "broker.default.svc.cluster.local".</summary>
    public required string Name { get; init; }

    public DnsRecordType RecordType { get; init; } = DnsRecordType.A;

    /// <summary>The name server as "host" or "host:port" (port 53 when left out); null or empty: the system's resolvers.</summary>
    public string? Server { get; init; }

    /// <summary>The wait before the second lookup; it doubles while the answer stays the same, up to <see cref="MaxRetryInterval"/>.</summary>
    public TimeSpan FirstRetryInterval { get; init; } = TimeSpan.FromSeconds(1);

    public TimeSpan MaxRetryInterval { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How long the same nodes must have been found before the first of them (in the common order) forms the cluster:
    /// nodes that start together may not all be in DNS yet, and two that each found only themselves would form two
    /// clusters that never merge.
    /// </summary>
    public TimeSpan StableMargin { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Set on a node that rejoins after its cluster ended under it: it never forms a cluster, even when it is first in
    /// the answer (the other side of a partition may still be up), and joins whichever member answers among what DNS
    /// gives and these endpoints ("host:port", the members it last saw). Null: a first start, which may form one.
    /// </summary>
    public IReadOnlyList<string>? RejoinVia { get; init; }

    /// <summary>How long one query waits for the name server's answer.</summary>
    public TimeSpan QueryTimeout { get; init; } = TimeSpan.FromSeconds(2);
}
