namespace Broker.Core.Messaging;

/// <summary>
/// Why a message was not delivered. The names follow EMQX's counters, so that the metrics endpoint can expose
/// them under the names its users know (<see cref="DropReasons.MetricName"/>).
/// </summary>
public enum DropReason
{
    /// <summary>A publish that matched no subscription (<c>messages.dropped.no_subscribers</c>).</summary>
    NoSubscribers,

    /// <summary>Its Message Expiry Interval passed before it could be sent (<c>delivery.dropped.expired</c>) [MQTT-3.3.2-5].</summary>
    Expired,

    /// <summary>A QoS 1/2 message pushed out of a full queue (<c>delivery.dropped.queue_full</c>).</summary>
    QueueFull,

    /// <summary>A QoS 0 message pushed out of a full queue, or not queued for an absent client (<c>delivery.dropped.qos0_msg</c>).</summary>
    QoS0Message,

    /// <summary>Larger than the client's Maximum Packet Size (<c>delivery.dropped.too_large</c>) [MQTT-3.1.2-25].</summary>
    TooLarge,

    /// <summary>An inbound QoS 2 message whose PUBREL never came within <c>await_rel_timeout</c> (<c>messages.dropped.await_pubrel_timeout</c>).</summary>
    AwaitPubRelTimeout,

    /// <summary>A publish that authorization refused (<c>messages.dropped.not_authorized</c>).</summary>
    NotAuthorized,
}

public static class DropReasons
{
    public static IReadOnlyList<DropReason> All { get; } = Enum.GetValues<DropReason>();

    public static string MetricName(this DropReason reason) => reason switch
    {
        DropReason.NoSubscribers => "messages.dropped.no_subscribers",
        DropReason.Expired => "delivery.dropped.expired",
        DropReason.QueueFull => "delivery.dropped.queue_full",
        DropReason.QoS0Message => "delivery.dropped.qos0_msg",
        DropReason.TooLarge => "delivery.dropped.too_large",
        DropReason.AwaitPubRelTimeout => "messages.dropped.await_pubrel_timeout",
        DropReason.NotAuthorized => "messages.dropped.not_authorized",
        _ => throw new ArgumentOutOfRangeException(nameof(reason), reason, null),
    };
}
