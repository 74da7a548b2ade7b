using System.Buffers;
using Broker.Mqtt.Properties;

namespace Broker.Mqtt.Packets;

/// <summary>PUBLISH (3.3).</summary>
public sealed record PublishPacket : MqttPacket
{
    public override PacketType Type => PacketType.Publish;

    public bool Dup { get; init; }

    public QualityOfService QoS { get; init; }

    public bool Retain { get; init; }

    /// <summary>Empty on 5.0 when the publisher sent only a Topic Alias; the channel resolves it.</summary>
    public string Topic { get; init; } = "";

    /// <summary>0 for QoS 0, which carries no packet identifier.</summary>
    public ushort PacketId { get; init; }

    /// <summary>
    /// As decoded, a slice of the receive buffer: valid only until the reader advances past it.
    /// Whoever keeps the message beyond the read loop copies it first.
    /// </summary>
    public ReadOnlySequence<byte> Payload { get; init; }

    public MqttProperties Properties { get; init; } = MqttProperties.Empty;
}
