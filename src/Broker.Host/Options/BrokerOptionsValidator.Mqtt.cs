using Broker.Host.Configuration;

namespace Broker.Host.Options;

public static partial class BrokerOptionsValidator
{
    /// <summary>The largest MQTT packet: a 1-byte header, a 4-byte Remaining Length of at most 268435455, and that body.</summary>
    public const long MaxPacketSizeLimit = 268_435_455;

    /// <summary>MQTT 5 Session Expiry Interval is four bytes of seconds.</summary>
    private static readonly Duration SessionExpiryLimit = Duration.FromSeconds(uint.MaxValue);

    private static void ValidateMqtt(MqttOptions mqtt, List<ConfigurationError> errors)
    {
        if (mqtt.MaxPacketSize.Bytes < 1 || mqtt.MaxPacketSize.Bytes > MaxPacketSizeLimit)
            errors.Add(new("mqtt.max_packet_size", $"must be between 1B and 256MB ({MaxPacketSizeLimit} bytes), got {mqtt.MaxPacketSize}"));
        Range(errors, "mqtt.max_clientid_len", mqtt.MaxClientIdLen, 23, 65535);
        Range(errors, "mqtt.max_topic_levels", mqtt.MaxTopicLevels, 1, 65535);
        Range(errors, "mqtt.max_qos_allowed", mqtt.MaxQosAllowed, 0, 2);
        Range(errors, "mqtt.max_topic_alias", mqtt.MaxTopicAlias, 0, 65535);
        Range(errors, "mqtt.max_inflight", mqtt.MaxInflight, 1, 65535);
        Range(errors, "mqtt.max_mqueue_len", mqtt.MaxMqueueLen, 0, int.MaxValue);
        Range(errors, "mqtt.receive_maximum", mqtt.ReceiveMaximum, 1, 65535);
        Range(errors, "mqtt.max_awaiting_rel", mqtt.MaxAwaitingRel, 1, 65535);
        // Else an MQTT 5 client that keeps to the Receive Maximum we gave it could still be disconnected for it.
        if (mqtt.MaxAwaitingRel < mqtt.ReceiveMaximum && mqtt.MaxAwaitingRel >= 1 && mqtt.ReceiveMaximum <= 65535)
            errors.Add(new("mqtt.max_awaiting_rel", $"must be at least mqtt.receive_maximum ({mqtt.ReceiveMaximum}), got {mqtt.MaxAwaitingRel}"));
        Range(errors, "mqtt.server_keepalive", mqtt.ServerKeepalive, 0, 65535);
        // The binder only produces named values; a value set from code may be any number.
        if (!Enum.IsDefined(mqtt.SharedSubscriptionStrategy))
            errors.Add(new("mqtt.shared_subscription_strategy", $"must be one of random, round_robin, sticky, hash_clientid, got {(int)mqtt.SharedSubscriptionStrategy}"));
        Positive(errors, "mqtt.await_rel_timeout", mqtt.AwaitRelTimeout);
        Positive(errors, "mqtt.retry_interval", mqtt.RetryInterval);
        Positive(errors, "mqtt.slow_subscriber_timeout", mqtt.SlowSubscriberTimeout);
        Positive(errors, "mqtt.idle_timeout", mqtt.IdleTimeout);
        if (mqtt.SessionExpiryInterval > SessionExpiryLimit)
            errors.Add(new("mqtt.session_expiry_interval", $"must be at most {SessionExpiryLimit.Value.TotalSeconds} seconds (the MQTT 5 maximum), got {mqtt.SessionExpiryInterval}"));
        if (!(mqtt.KeepaliveMultiplier >= 1) || mqtt.KeepaliveMultiplier > 100)
            errors.Add(new("mqtt.keepalive_multiplier", $"must be between 1 and 100, got {mqtt.KeepaliveMultiplier}"));
    }

    private static void Positive(List<ConfigurationError> errors, string key, Duration value)
    {
        if (value.Value <= TimeSpan.Zero)
            errors.Add(new(key, $"must be longer than 0s, got {value}"));
    }
}
