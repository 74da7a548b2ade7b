using Broker.Mqtt.Properties;

namespace Broker.Mqtt.Packets;

/// <summary>AUTH (3.15, 5.0 only): one step of enhanced authentication.</summary>
public sealed record AuthPacket : MqttPacket
{
    public override PacketType Type => PacketType.Auth;

    public ReasonCode ReasonCode { get; init; }

    public MqttProperties Properties { get; init; } = MqttProperties.Empty;
}
