using Broker.Mqtt.Properties;

namespace Broker.Mqtt.Packets;

/// <summary>UNSUBSCRIBE (3.10).</summary>
public sealed record UnsubscribePacket : MqttPacket
{
    public override PacketType Type => PacketType.Unsubscribe;

    public ushort PacketId { get; init; }

    /// <summary>Never empty once decoded: an empty payload is a protocol error [MQTT-3.10.3-2].</summary>
    public IReadOnlyList<string> TopicFilters { get; init; } = [];

    public MqttProperties Properties { get; init; } = MqttProperties.Empty;
}
