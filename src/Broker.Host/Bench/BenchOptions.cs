using System.Net;
using Broker.Mqtt;

namespace Broker.Host.Bench;

/// <summary>One bench run as the command line describes it; see <see cref="BenchArguments"/> for the names.</summary>
public sealed record BenchOptions
{
    /// <summary>A process may hold 20,000 open files on the machines we measure on; leave room for the runtime's own.</summary>
    public const int MaxSockets = 19_500;

    public BenchScenario Scenario { get; init; }

    public string Host { get; init; } = "127.0.0.1";

    public int Port { get; init; } = 1883;

    /// <summary>Where the subscribers of <c>pubsub</c> connect, on <see cref="Host"/>; null: <see cref="Port"/>. Another node of a cluster, to measure what crosses nodes.</summary>
    public int? SubscriberPort { get; init; }

    public MqttProtocolVersion Version { get; init; } = MqttProtocolVersion.V311;

    public bool Tls { get; init; }

    public bool Insecure { get; init; }

    /// <summary>Local addresses the client sockets bind to, round-robin; empty: the system chooses (127.0.0.1 for a loopback broker).</summary>
    public IReadOnlyList<IPAddress> SourceAddresses { get; init; } = [];

    public TimeSpan Duration { get; init; } = TimeSpan.FromSeconds(10);

    public string ClientPrefix { get; init; } = "bench";

    /// <summary>New connections per second; 0: as fast as the broker accepts them.</summary>
    public int ConnectRate { get; init; }

    public ushort KeepAliveSeconds { get; init; } = 60;

    public bool Clean { get; init; } = true;

    /// <summary>Clean session/start of the subscribers; null: <see cref="Clean"/>. False (or an expiry) makes their subscriptions outlive the connection, hence durable.</summary>
    public bool? SubscriberClean { get; init; }

    /// <summary>The subscribers' Session Expiry Interval in seconds (5.0 only); 0: none sent, the session ends with the connection.</summary>
    public uint SubscriberSessionExpiry { get; init; }

    /// <summary>Zero: no progress lines.</summary>
    public TimeSpan Progress { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Connections of <c>conn</c>.</summary>
    public int Connections { get; init; }

    public int Publishers { get; init; }

    public int Subscribers { get; init; }

    public string PublishTopic { get; init; } = "bench/%i";

    public string SubscribeFilter { get; init; } = "bench/#";

    public QualityOfService QoS { get; init; }

    /// <summary>Payload bytes, the 20-byte <see cref="PayloadHeader"/> included.</summary>
    public int Size { get; init; } = 64;

    /// <summary>Messages per second per publisher; 0: as fast as possible.</summary>
    public int Rate { get; init; }

    /// <summary>Unacknowledged QoS 1 and 2 messages a publisher may have out (fewer if the broker's 5.0 Receive Maximum is lower).</summary>
    public int Inflight { get; init; } = 100;

    /// <summary>
    /// After publishing stops, how long subscribers may go on reading what is still on its way (and publishers their
    /// acknowledgements) before the figures are taken; the drain ends sooner once everything arrived, or when nothing
    /// moved for a while.
    /// </summary>
    public TimeSpan Drain { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Send the acknowledgements of one read in one write (subscribers' PUBACK, PUBREC and PUBCOMP, publishers' PUBREL)
    /// rather than each as soon as its packet is decoded, as an ordinary client does. Off by default.
    /// </summary>
    public bool CoalesceAcks { get; init; }

    public int TotalSockets => Connections + Publishers + Subscribers;
}
