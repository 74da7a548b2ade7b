using Broker.Mqtt;

namespace Broker.Core.Messaging;

/// <summary>
/// The protocol limits and session behaviour the channel and session enforce, already validated
/// (the host maps its <c>mqtt</c> configuration section onto this). Pure data, so that the state
/// machines can be unit-tested with any limits.
/// </summary>
public sealed record MqttSettings
{
    public static readonly MqttSettings Default = new();

    /// <summary>Largest packet accepted; advertised as Maximum Packet Size in 5.0 CONNACK.</summary>
    public int MaxPacketSize { get; init; } = 1024 * 1024;

    public int MaxClientIdLength { get; init; } = 65535;

    public int MaxTopicLevels { get; init; } = 128;

    public QualityOfService MaximumQoS { get; init; } = QualityOfService.ExactlyOnce;

    /// <summary>Topic Alias Maximum granted to 5.0 clients; 0 disables inbound aliases.</summary>
    public ushort TopicAliasMaximum { get; init; } = 65535;

    public bool RetainAvailable { get; init; } = true;

    public bool WildcardSubscriptionAvailable { get; init; } = true;

    public bool SharedSubscriptionAvailable { get; init; } = true;

    public SharedSubscriptionStrategy SharedSubscriptionStrategy { get; init; } = SharedSubscriptionStrategy.Random;

    /// <summary>Outgoing QoS 1/2 messages awaiting acknowledgement, per session (and never more than the client's Receive Maximum).</summary>
    public int MaxInflight { get; init; } = 32;

    /// <summary>
    /// Receive Maximum given to 5.0 clients in CONNACK, 1..65535: QoS 1/2 PUBLISH packets a client may have sent on
    /// its connection and not yet had PUBACK or PUBCOMP for; one more is DISCONNECT 0x93.
    /// </summary>
    public ushort ReceiveMaximum
    {
        get;
        init => field = value > 0 ? value : throw new ArgumentOutOfRangeException(nameof(value), "A Receive Maximum of 0 is a protocol error (3.2.2.3.3).");
    } = 32;

    /// <summary>Messages queued per session while the window is full or the client is away; 0 for no limit.</summary>
    public int MaxQueueLength { get; init; } = 1000;

    /// <summary>
    /// How long a connected subscriber with messages in flight may acknowledge nothing before it stops holding its
    /// publishers back: its queue then goes back to <see cref="MaxQueueLength"/>, the rest dropped and counted.
    /// </summary>
    public TimeSpan SlowSubscriberTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Whether QoS 0 messages are queued for offline clients.</summary>
    public bool QueueQoS0 { get; init; } = true;

    /// <summary>
    /// Inbound QoS 2 messages awaiting PUBREL, per session: the only bound on them for 3.x clients, which have no
    /// Receive Maximum; for 5.0 ones, also those left unreleased by earlier connections. The host keeps it at least
    /// <see cref="ReceiveMaximum"/>, so that a 5.0 client keeping to its Receive Maximum meets it only with ids earlier connections left.
    /// </summary>
    public int MaxAwaitingRel { get; init; } = 100;

    public TimeSpan AwaitRelTimeout { get; init; } = TimeSpan.FromSeconds(300);

    /// <summary>Resend interval for unacknowledged QoS 1/2 messages to 3.x clients (5.0 resends only on reconnect).</summary>
    public TimeSpan RetryInterval { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Longest session expiry granted, seconds, whatever the client asks for.</summary>
    public uint MaxSessionExpirySeconds { get; init; } = 7200;

    public double KeepAliveMultiplier { get; init; } = 1.5;

    /// <summary>Server Keep Alive imposed on 5.0 clients, seconds; 0 keeps the client's own.</summary>
    public ushort ServerKeepAlive { get; init; }

    /// <summary>How long a connection may stay open before CONNECT.</summary>
    public TimeSpan IdleTimeout { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>No Local for every subscription of every client.</summary>
    public bool IgnoreLoopDeliver { get; init; }

    /// <summary>UTF-8 validation of payloads whose Payload Format Indicator says UTF-8, and similar costly checks.</summary>
    public bool StrictMode { get; init; }
}
