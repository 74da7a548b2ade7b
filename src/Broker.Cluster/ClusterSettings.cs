using Broker.Cluster.Discovery;

namespace Broker.Cluster;

/// <summary>
/// How this node joins the broker cluster. Plain data, so the host can fill it from its own configuration
/// (hocon/broker.conf's <c>cluster.*</c> keys) without this project depending on Microsoft.Extensions.Configuration.
/// </summary>
public sealed record ClusterSettings
{
    public const int DefaultPort = 4370;

    /// <summary>The Akka system name: nodes with another name never join (Akka refuses the association).</summary>
    public required string Name { get; init; }

    /// <summary>Host or IP address the remoting endpoint binds, e.g. 127.0.0.1 or 0.0.0.0.</summary>
    public string Bind { get; init; } = "127.0.0.1";

    /// <summary>Remoting port; 0 binds any free port (then <see cref="BrokerCluster.NodeName"/> says which).</summary>
    public int Port { get; init; } = DefaultPort;

    /// <summary>The host other nodes use to reach this one; null means <see cref="Bind"/>. Required when binding 0.0.0.0.</summary>
    public string? PublicHost { get; init; }

    /// <summary>Seed nodes as "host:port". Empty: the node waits to be joined (discovery "manual"), or finds them in DNS.</summary>
    public IReadOnlyList<string> Seeds { get; init; } = [];

    /// <summary>Seeds found through DNS instead of <see cref="Seeds"/> (discovery "dns"); null: none.</summary>
    public DnsDiscoverySettings? DnsDiscovery { get; init; }

    public SplitBrainStrategy SplitBrainStrategy { get; init; } = SplitBrainStrategy.KeepMajority;

    /// <summary>How long membership must be stable before the split brain resolver downs the unreachable side.</summary>
    public TimeSpan StableAfter { get; init; } = TimeSpan.FromSeconds(20);

    /// <summary>Only for <see cref="SplitBrainStrategy.StaticQuorum"/>: the smallest side that may stay up.</summary>
    public int? StaticQuorumSize { get; init; }

    /// <summary>
    /// The largest remoting frame, in bytes: a forwarded message and a gossiped route key must each fit in one (Akka
    /// drops larger ones with an error). Akka's 128,000 would drop messages under the MQTT max_packet_size of 1 MB;
    /// the host should pass at least max_packet_size plus 64 KB.
    /// </summary>
    public int MaximumFrameSize { get; init; } = 2 * 1024 * 1024;

    /// <summary>
    /// How long another node may answer nothing while messages forwarded to it wait (their publishers' credits and
    /// acknowledgements held) before they are given back, as for a stalled subscriber (mqtt.slow_subscriber_timeout).
    /// </summary>
    public TimeSpan ForwardStallTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How long a deleted retained message is remembered (its tombstone, from the deletion's time): an older set of it
    /// arriving within that is ignored, and a restarted node forgets a retained message the cluster lacks only when it is
    /// older than this (it may have been deleted longer ago than the cluster remembers).
    /// </summary>
    public TimeSpan RetainedTombstoneRetention { get; init; } = TimeSpan.FromHours(1);

    /// <summary>The largest snapshot chunk sent to a joining node: well under the frame (an eighth of it, 256 KB at most).</summary>
    public int RetainedChunkBytes => Math.Min(256 * 1024, MaximumFrameSize / 8);

    /// <summary>The largest chunk of a cluster query's answer (<see cref="Queries.ClusterQueries"/>): an eighth of the frame, 256 KB at most.</summary>
    public int QueryChunkBytes => Math.Min(256 * 1024, MaximumFrameSize / 8);

    /// <summary>The host written into this node's address.</summary>
    public string EffectivePublicHost => string.IsNullOrWhiteSpace(PublicHost) ? Bind : PublicHost;

    /// <summary>
    /// The <see cref="BrokerCluster.NodeName"/> a node with these settings gets, known before it starts (a node that
    /// is joined later names its route table with it); null with port 0, which only the start decides.
    /// </summary>
    public string? ExpectedNodeName => Port == 0 ? null : $"akka.tcp://{Name}@{EffectivePublicHost}:{Port}";
}
