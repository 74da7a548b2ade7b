using Broker.Mqtt.Properties;

namespace Broker.Mqtt.Packets;

/// <summary>SUBSCRIBE (3.8).</summary>
public sealed record SubscribePacket : MqttPacket
{
    public override PacketType Type => PacketType.Subscribe;

    public ushort PacketId { get; init; }

    /// <summary>Never empty once decoded: an empty payload is a protocol error [MQTT-3.8.3-3].</summary>
    public IReadOnlyList<TopicSubscription> Subscriptions { get; init; } = [];

    public MqttProperties Properties { get; init; } = MqttProperties.Empty;
}

/// <summary>One topic filter of a SUBSCRIBE with its options.</summary>
public readonly record struct TopicSubscription(string Filter, SubscriptionOptions Options);

/// <summary>
/// The subscription options byte (3.8.3.1). On 3.1 and 3.1.1 only the QoS bits exist; the other
/// options keep their 5.0 defaults, which are the 3.1.1 behaviour.
/// </summary>
public readonly record struct SubscriptionOptions(
    QualityOfService MaximumQoS,
    bool NoLocal = false,
    bool RetainAsPublished = false,
    RetainHandling RetainHandling = RetainHandling.SendOnSubscribe);

/// <summary>When retained messages are sent for a new subscription (3.8.3.1, bits 4 and 5).</summary>
public enum RetainHandling : byte
{
    SendOnSubscribe = 0,
    SendOnNewSubscribe = 1,
    DoNotSend = 2,
}
