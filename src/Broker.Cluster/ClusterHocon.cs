using System.Globalization;
using System.Text;
using Akka.Cluster.Sharding;
using Akka.Cluster.Tools.Singleton;
using Akka.Configuration;
using Akka.DistributedData;
using Broker.Cluster.Delivery;
using Broker.Cluster.Discovery;
using Broker.Cluster.Logging;
using Broker.Cluster.Queries;
using Broker.Cluster.Retained;
using Broker.Cluster.Sessions;
using Broker.Core.Sessions.Cluster;

namespace Broker.Cluster;

/// <summary>
/// The Akka configuration a <see cref="ClusterSettings"/> stands for. Built as text, so what the node runs with
/// can be logged and read as one block; every value from the settings is quoted, so none can inject HOCON.
/// </summary>
internal static class ClusterHocon
{
    /// <summary>
    /// The node's configuration, with the reference configurations of the extensions it runs already in it. Each
    /// extension injects its own at first use, and Akka then rebuilds the configuration and the serialization with no
    /// lock: two extensions starting at once on two threads (the route replicator's distributed data and the sharding
    /// coordinator's singleton) can lose one injection. A serialization rebuilt without distributed data's bindings
    /// digests its envelopes as JSON, which throws once a key has two writers, and those routes never arrived.
    /// </summary>
    public static Config Load(string hocon) =>
        ConfigurationFactory.ParseString(hocon)
            .WithFallback(ClusterSharding.DefaultConfig())
            .WithFallback(ClusterSingleton.DefaultConfig())
            .WithFallback(DistributedData.DefaultConfig());

    public static string Build(ClusterSettings settings)
    {
        Validate(settings);
        var seeds = string.Join(", ", settings.Seeds.Select(seed => Quote($"akka.tcp://{settings.Name}@{seed.Trim()}")));
        var quorum = settings.StaticQuorumSize is { } size
            ? $"\n      static-quorum.quorum-size = {size.ToString(CultureInfo.InvariantCulture)}"
            : "";
        return $$"""
            akka {
              loglevel = INFO
              # Before the ILogger bridge is up, only warnings go to stdout.
              stdout-loglevel = WARNING
              loggers = [{{Quote(TypeName(typeof(AkkaLogBridge)))}}]
              logger-startup-timeout = 10s
              log-dead-letters = off
              log-dead-letters-during-shutdown = off
              actor {
                provider = cluster
                serializers {
                  broker-delivery = {{Quote(TypeName(typeof(DeliverySerializer)))}}
                  broker-retained = {{Quote(TypeName(typeof(RetainedReplicationSerializer)))}}
                  broker-sessions = {{Quote(TypeName(typeof(SessionSerializer)))}}
                  broker-queries = {{Quote(TypeName(typeof(QuerySerializer)))}}
                }
                serialization-bindings {
                  {{Quote(TypeName(typeof(ForwardBatch)))}} = broker-delivery
                  {{Quote(TypeName(typeof(BatchAck)))}} = broker-delivery
                  {{Quote(TypeName(typeof(CommitsDone)))}} = broker-delivery
                  {{Quote(TypeName(typeof(RetainedReplicationProtocol.IRetainedWireMessage)))}} = broker-retained
                  {{Quote(TypeName(typeof(IOwnerMessage)))}} = broker-sessions
                  {{Quote(TypeName(typeof(OwnerGranted)))}} = broker-sessions
                  {{Quote(TypeName(typeof(WhoHas)))}} = broker-sessions
                  {{Quote(TypeName(typeof(AdoptStoredSession)))}} = broker-sessions
                  {{Quote(TypeName(typeof(Has)))}} = broker-sessions
                  {{Quote(TypeName(typeof(SessionPeerMessage)))}} = broker-sessions
                  {{Quote(TypeName(typeof(IQueryWireMessage)))}} = broker-queries
                }
              }
              remote {
                log-remote-lifecycle-events = off
                dot-netty.tcp {
                  hostname = {{Quote(settings.Bind)}}
                  public-hostname = {{Quote(settings.EffectivePublicHost)}}
                  port = {{settings.Port.ToString(CultureInfo.InvariantCulture)}}
                  maximum-frame-size = {{Bytes(settings.MaximumFrameSize)}}
                  # Room for two frames, so one message at the limit never waits for the socket's buffer alone.
                  send-buffer-size = {{Bytes(2L * settings.MaximumFrameSize)}}
                  receive-buffer-size = {{Bytes(2L * settings.MaximumFrameSize)}}
                }
              }
              cluster {
                # The client ids' owner entities (Sessions/SessionOwner): nothing remembered or stored (durable
                # distributed data is broken with the packages served here); an entity that starts asks every node.
                sharding {
                  remember-entities = off
                  state-store-mode = ddata
                  # Akka writes and reads the coordinator's state at a majority plus 3 (5 to read), at least 5 nodes:
                  # every node of a cluster under 5, so one that died, until removed, stalls every shard allocation
                  # (a claim or adoption whose owner must start anywhere), and one removed during a write left the
                  # coordinator stuck in PartitionTests. A plain majority overlaps a plain majority, and the owners keep
                  # nothing that a stale allocation would lose: an owner that starts asks every node.
                  coordinator-state {
                    write-majority-plus = 0
                    read-majority-plus = 0
                  }
                  distributed-data.majority-min-cap = 0
                }
                # Empty with DNS discovery: Discovery/DnsSeedFinder hands Akka the seeds it finds.
                seed-nodes = [{{seeds}}]
                # A node that reaches no seed keeps trying (BrokerCluster logs it every few seconds).
                retry-unsuccessful-join-after = 5s
                shutdown-after-unsuccessful-join-seed-nodes = off
                downing-provider-class = "Akka.Cluster.SBR.SplitBrainResolverProvider, Akka.Cluster"
                split-brain-resolver {
                  active-strategy = {{settings.SplitBrainStrategy.ToAkkaName()}}
                  stable-after = {{Duration(settings.StableAfter)}}{{quorum}}
                }
                # Akka's defaults (1 s heartbeats, 3 s pause) down nodes that pause for a full GC; 5 s is still
                # well inside stable-after.
                failure-detector {
                  heartbeat-interval = 1s
                  threshold = 8.0
                  acceptable-heartbeat-pause = 5s
                }
                # A downed node can never rejoin as the same incarnation, so its actor system stops
                # (BrokerCluster.Terminated); exit-clr = off below leaves the process to the host.
                run-coordinated-shutdown-when-down = on
              }
              coordinated-shutdown {
                exit-clr = off
                run-by-clr-shutdown-hook = off
              }
            }
            """;
    }

    private static void Validate(ClusterSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        if (string.IsNullOrWhiteSpace(settings.Name) || !settings.Name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_'))
        {
            throw new ArgumentException($"cluster name '{settings.Name}' must be letters, digits, '-' or '_'.", nameof(settings));
        }

        if (settings.Port is < 0 or > 65535)
        {
            throw new ArgumentException($"cluster port {settings.Port} is out of range.", nameof(settings));
        }

        foreach (var seed in settings.Seeds.Concat(settings.DnsDiscovery?.RejoinVia ?? []))
        {
            var colon = seed.LastIndexOf(':');
            if (colon <= 0 || !int.TryParse(seed.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port is < 1 or > 65535)
            {
                throw new ArgumentException($"cluster seed '{seed}' is not host:port.", nameof(settings));
            }
        }

        if (settings.DnsDiscovery is { } dns)
        {
            ValidateDns(settings, dns);
        }

        if (settings.MaximumFrameSize is < 32_000 or > 512 * 1024 * 1024)
        {
            throw new ArgumentException($"maximum frame size {settings.MaximumFrameSize} must be 32,000 bytes to 512 MB.", nameof(settings));
        }

        if (settings.RetainedTombstoneRetention <= TimeSpan.Zero)
        {
            throw new ArgumentException("the retained tombstone retention must be positive.", nameof(settings));
        }

        if (settings.StableAfter <= TimeSpan.Zero)
        {
            throw new ArgumentException("stable_after must be positive.", nameof(settings));
        }

        if (settings.SplitBrainStrategy == SplitBrainStrategy.StaticQuorum && settings.StaticQuorumSize is not > 0)
        {
            throw new ArgumentException("static_quorum needs a positive quorum size.", nameof(settings));
        }
    }

    private static void ValidateDns(ClusterSettings settings, DnsDiscoverySettings dns)
    {
        if (settings.Seeds.Count > 0)
        {
            throw new ArgumentException("seeds come either from the settings or from DNS, not both.", nameof(settings));
        }

        if (string.IsNullOrWhiteSpace(dns.Name) || !HostName.IsValid(dns.Name))
        {
            throw new ArgumentException($"DNS name '{dns.Name}' is not a host name.", nameof(settings));
        }

        if (dns.RecordType == DnsRecordType.A && settings.Port == 0)
        {
            throw new ArgumentException("with A records the nodes find each other at this node's port, which must not be 0.", nameof(settings));
        }

        if (!string.IsNullOrWhiteSpace(dns.Server) && !NameServerAddress.TryParse(dns.Server, out _, out _))
        {
            throw new ArgumentException($"name server '{dns.Server}' is not host or host:port.", nameof(settings));
        }

        if (dns.FirstRetryInterval <= TimeSpan.Zero || dns.MaxRetryInterval < dns.FirstRetryInterval
            || dns.StableMargin < TimeSpan.Zero || dns.QueryTimeout <= TimeSpan.Zero)
        {
            throw new ArgumentException("DNS retry intervals and the query timeout must be positive, the stable margin not negative.", nameof(settings));
        }
    }

    private static string Duration(TimeSpan value) =>
        ((long)Math.Ceiling(value.TotalMilliseconds)).ToString(CultureInfo.InvariantCulture) + "ms";

    private static string Bytes(long value) => value.ToString(CultureInfo.InvariantCulture) + "b";

    private static string TypeName(Type type) => $"{type.FullName}, {type.Assembly.GetName().Name}";

    private static string Quote(string value)
    {
        var builder = new StringBuilder(value.Length + 2).Append('"');
        foreach (var c in value)
        {
            _ = c switch
            {
                '"' => builder.Append("\\\""),
                '\\' => builder.Append("\\\\"),
                _ when char.IsControl(c) => builder.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture)),
                _ => builder.Append(c),
            };
        }

        return builder.Append('"').ToString();
    }
}
