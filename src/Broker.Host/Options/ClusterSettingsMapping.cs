using Broker.Cluster;
using Broker.Cluster.Discovery;

namespace Broker.Host.Options;

/// <summary>The <c>cluster</c> section as the cluster's own settings.</summary>
public static class ClusterSettingsMapping
{
    // Room for the largest PUBLISH a client may send and what a forwarded message adds to it.
    private const long FrameOverhead = 64 * 1024;

    /// <summary>
    /// Other nodes reach this one at the host of <c>node.name</c> (<c>name@host</c>) and <c>cluster.port</c>. A remoting
    /// frame holds the largest message <c>mqtt.max_packet_size</c> lets in: Akka.NET's default would drop larger ones.
    /// </summary>
    public static ClusterSettings ToSettings(this ClusterOptions cluster, NodeOptions node, MqttOptions mqtt) => new()
    {
        MaximumFrameSize = (int)Math.Max(2 * 1024 * 1024, mqtt.MaxPacketSize.Bytes + FrameOverhead),
        Name = cluster.Name,
        Bind = cluster.Bind,
        Port = cluster.Port,
        PublicHost = node.Name[(node.Name.IndexOf('@', StringComparison.Ordinal) + 1)..],
        Seeds = cluster.DiscoveryStrategy == DiscoveryStrategy.Static ? cluster.Static.Seeds : [],
        DnsDiscovery = cluster.DiscoveryStrategy == DiscoveryStrategy.Dns ? cluster.Dns.ToSettings() : null,
        SplitBrainStrategy = cluster.SplitBrainResolver.Strategy switch
        {
            Options.SplitBrainStrategy.KeepOldest => Broker.Cluster.SplitBrainStrategy.KeepOldest,
            Options.SplitBrainStrategy.DownAll => Broker.Cluster.SplitBrainStrategy.DownAll,
            _ => Broker.Cluster.SplitBrainStrategy.KeepMajority,
        },
        StableAfter = cluster.SplitBrainResolver.StableAfter.Value,
        ForwardStallTimeout = mqtt.SlowSubscriberTimeout.Value,
    };

    private static DnsDiscoverySettings ToSettings(this DnsDiscoveryOptions dns) => new()
    {
        Name = dns.Name.Trim(),
        RecordType = dns.RecordType == Options.DnsRecordType.Srv ? Broker.Cluster.Discovery.DnsRecordType.Srv : Broker.Cluster.Discovery.DnsRecordType.A,
        Server = string.IsNullOrWhiteSpace(dns.Server) ? null : dns.Server.Trim(),
    };
}
