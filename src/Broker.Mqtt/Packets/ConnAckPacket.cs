using Broker.Mqtt.Properties;

namespace Broker.Mqtt.Packets;

/// <summary>CONNACK (3.2). The reason code is always the 5.0 one; the codec maps 3.x return codes.</summary>
public sealed record ConnAckPacket : MqttPacket
{
    public override PacketType Type => PacketType.ConnAck;

    public bool SessionPresent { get; init; }

    public ReasonCode ReasonCode { get; init; }

    public MqttProperties Properties { get; init; } = MqttProperties.Empty;
}
