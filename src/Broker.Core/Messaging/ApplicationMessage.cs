using Broker.Mqtt;
using Broker.Mqtt.Properties;

namespace Broker.Core.Messaging;

/// <summary>
/// A message as the broker routes it: what a client published (or a will), detached from the
/// packet that carried it. Immutable, so one instance is shared by every subscriber it reaches;
/// the payload was copied once out of the receive buffer by the channel.
/// </summary>
public sealed record ApplicationMessage
{
    /// <summary>
    /// Names this message across the cluster (<see cref="MessageIds"/>), given once where it enters the broker and
    /// kept by every copy, stored row and forwarded batch: a session taken over from another node can then tell the
    /// same message arriving twice (directly and forwarded by its old node), so QoS 2 is not delivered twice and QoS 1
    /// is not dropped. 0 means none: messages read from rows written before ids existed.
    /// </summary>
    public long Id { get; init; }

    public required string Topic { get; init; }

    public ReadOnlyMemory<byte> Payload { get; init; }

    /// <summary>The QoS it was published with; each subscriber receives min(this, its subscription's).</summary>
    public QualityOfService QoS { get; init; }

    /// <summary>The RETAIN flag as published.</summary>
    public bool Retain { get; init; }

    /// <summary>
    /// Only the properties forwarded to subscribers (3.3.2.3): payload format indicator, message
    /// expiry interval as published, content type, response topic, correlation data, user properties.
    /// Never a topic alias or subscription identifier: those belong to one connection.
    /// </summary>
    public MqttProperties Properties { get; init; } = MqttProperties.Empty;

    /// <summary>Client id of the publisher, for No Local; null for messages the broker makes itself.</summary>
    public string? PublisherId { get; init; }

    /// <summary>When the broker received it, Unix milliseconds from the broker's TimeProvider.</summary>
    public long ReceivedAtMs { get; init; }

    /// <summary>Expired messages are never delivered [MQTT-3.3.2-5].</summary>
    public bool IsExpired(long nowMs) =>
        Properties.MessageExpiryInterval is { } seconds && nowMs - ReceivedAtMs >= seconds * 1000L;

    /// <summary>
    /// The expiry interval to forward: the published one minus the time spent in the broker
    /// [MQTT-3.3.2-6]; null when the message does not expire.
    /// </summary>
    public uint? RemainingExpirySeconds(long nowMs)
    {
        if (Properties.MessageExpiryInterval is not { } seconds)
        {
            return null;
        }

        long elapsed = Math.Max(0, nowMs - ReceivedAtMs) / 1000;
        return elapsed >= seconds ? 0 : seconds - (uint)elapsed;
    }
}
