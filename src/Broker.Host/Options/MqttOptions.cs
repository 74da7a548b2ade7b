using Broker.Host.Configuration;
using Microsoft.Extensions.Configuration;

namespace Broker.Host.Options;

/// <summary>Protocol limits and session behaviour, named as in EMQX's <c>mqtt</c> section.</summary>
public sealed class MqttOptions
{
    /// <summary>Largest packet accepted or sent; also advertised as Maximum Packet Size in MQTT 5 CONNACK.</summary>
    [ConfigurationKeyName("max_packet_size")]
    public ByteSize MaxPacketSize { get; set; } = ByteSize.FromMegabytes(1);

    [ConfigurationKeyName("max_clientid_len")]
    public int MaxClientIdLen { get; set; } = 65535;

    [ConfigurationKeyName("max_topic_levels")]
    public int MaxTopicLevels { get; set; } = 128;

    [ConfigurationKeyName("max_qos_allowed")]
    public int MaxQosAllowed { get; set; } = 2;

    /// <summary>Topic Alias Maximum granted to clients (MQTT 5); 0 disables aliases.</summary>
    [ConfigurationKeyName("max_topic_alias")]
    public int MaxTopicAlias { get; set; } = 65535;

    [ConfigurationKeyName("retain_available")]
    public bool RetainAvailable { get; set; } = true;

    [ConfigurationKeyName("wildcard_subscription")]
    public bool WildcardSubscription { get; set; } = true;

    [ConfigurationKeyName("shared_subscription")]
    public bool SharedSubscription { get; set; } = true;

    /// <summary>How one member of a <c>$share/group/filter</c> group is picked for each message.</summary>
    [ConfigurationKeyName("shared_subscription_strategy")]
    public SharedSubscriptionStrategyName SharedSubscriptionStrategy { get; set; } = SharedSubscriptionStrategyName.Random;

    /// <summary>QoS 1 and 2 deliveries awaiting acknowledgement per session (never more than the client's Receive Maximum).</summary>
    [ConfigurationKeyName("max_inflight")]
    public int MaxInflight { get; set; } = 32;

    /// <summary>
    /// Receive Maximum given to MQTT 5 clients in CONNACK: QoS 1 and 2 publishes a client may have unanswered (no
    /// PUBACK or PUBCOMP yet) on its connection; one more gets DISCONNECT 0x93. 32 as EMQX advertises.
    /// </summary>
    [ConfigurationKeyName("receive_maximum")]
    public int ReceiveMaximum { get; set; } = 32;

    /// <summary>Messages queued per session while the inflight window is full or the client is offline; 0 for no limit (as in EMQX).</summary>
    [ConfigurationKeyName("max_mqueue_len")]
    public int MaxMqueueLen { get; set; } = 1000;

    [ConfigurationKeyName("mqueue_store_qos0")]
    public bool MqueueStoreQos0 { get; set; } = true;

    /// <summary>
    /// Incoming QoS 2 messages awaiting PUBREL per session: 3.x clients, which have no Receive Maximum, are bounded by
    /// this alone; at least <see cref="ReceiveMaximum"/>, so that an MQTT 5 client keeping to it meets this bound only with ids
    /// earlier connections left unreleased.
    /// </summary>
    [ConfigurationKeyName("max_awaiting_rel")]
    public int MaxAwaitingRel { get; set; } = 100;

    [ConfigurationKeyName("await_rel_timeout")]
    public Duration AwaitRelTimeout { get; set; } = Duration.FromSeconds(300);

    /// <summary>How long a connected subscriber may acknowledge nothing and still hold its publishers back.</summary>
    [ConfigurationKeyName("slow_subscriber_timeout")]
    public Duration SlowSubscriberTimeout { get; set; } = Duration.FromSeconds(5);

    [ConfigurationKeyName("retry_interval")]
    public Duration RetryInterval { get; set; } = Duration.FromSeconds(30);

    /// <summary>The longest session expiry granted, whatever the client asks for.</summary>
    [ConfigurationKeyName("session_expiry_interval")]
    public Duration SessionExpiryInterval { get; set; } = Duration.FromHours(2);

    /// <summary>A connection is dropped after keepalive × this without a packet.</summary>
    [ConfigurationKeyName("keepalive_multiplier")]
    public double KeepaliveMultiplier { get; set; } = 1.5;

    /// <summary>Server Keep Alive in seconds imposed on MQTT 5 clients; 0 keeps the client's own.</summary>
    [ConfigurationKeyName("server_keepalive")]
    public int ServerKeepalive { get; set; }

    /// <summary>How long a connection may stay open before sending CONNECT.</summary>
    [ConfigurationKeyName("idle_timeout")]
    public Duration IdleTimeout { get; set; } = Duration.FromSeconds(15);

    /// <summary>Do not deliver a client's own publishes back to it (like MQTT 5 No Local, for every client).</summary>
    [ConfigurationKeyName("ignore_loop_deliver")]
    public bool IgnoreLoopDeliver { get; set; }

    /// <summary>Check packets strictly (UTF-8 validity, topic names) at some cost.</summary>
    [ConfigurationKeyName("strict_mode")]
    public bool StrictMode { get; set; }

    /// <summary>On a listener with verified client certificates: the certificate's CN or DN becomes the username.</summary>
    [ConfigurationKeyName("peer_cert_as_username")]
    public PeerCertAs PeerCertAsUsername { get; set; } = PeerCertAs.Disabled;

    /// <summary>Likewise for the client id.</summary>
    [ConfigurationKeyName("peer_cert_as_clientid")]
    public PeerCertAs PeerCertAsClientid { get; set; } = PeerCertAs.Disabled;
}
