using Broker.Core.Messaging;
using Broker.Mqtt;

namespace Broker.Host.Options;

/// <summary>The validated <c>mqtt</c> section as the settings the channel and sessions enforce.</summary>
public static class MqttSettingsMapping
{
    /// <summary>Expects options that passed <see cref="BrokerOptionsValidator"/>: the narrowing casts rely on its ranges.</summary>
    public static MqttSettings ToSettings(this MqttOptions mqtt) => new()
    {
        MaxPacketSize = checked((int)mqtt.MaxPacketSize.Bytes),
        MaxClientIdLength = mqtt.MaxClientIdLen,
        MaxTopicLevels = mqtt.MaxTopicLevels,
        MaximumQoS = (QualityOfService)checked((byte)mqtt.MaxQosAllowed),
        TopicAliasMaximum = checked((ushort)mqtt.MaxTopicAlias),
        RetainAvailable = mqtt.RetainAvailable,
        WildcardSubscriptionAvailable = mqtt.WildcardSubscription,
        SharedSubscriptionAvailable = mqtt.SharedSubscription,
        SharedSubscriptionStrategy = mqtt.SharedSubscriptionStrategy.ToStrategy(),
        MaxInflight = mqtt.MaxInflight,
        ReceiveMaximum = checked((ushort)mqtt.ReceiveMaximum),
        MaxQueueLength = mqtt.MaxMqueueLen,
        QueueQoS0 = mqtt.MqueueStoreQos0,
        SlowSubscriberTimeout = mqtt.SlowSubscriberTimeout.Value,
        MaxAwaitingRel = mqtt.MaxAwaitingRel,
        AwaitRelTimeout = mqtt.AwaitRelTimeout.Value,
        RetryInterval = mqtt.RetryInterval.Value,
        MaxSessionExpirySeconds = checked((uint)mqtt.SessionExpiryInterval.Value.TotalSeconds),
        KeepAliveMultiplier = mqtt.KeepaliveMultiplier,
        ServerKeepAlive = checked((ushort)mqtt.ServerKeepalive),
        IdleTimeout = mqtt.IdleTimeout.Value,
        IgnoreLoopDeliver = mqtt.IgnoreLoopDeliver,
        StrictMode = mqtt.StrictMode,
    };
}
