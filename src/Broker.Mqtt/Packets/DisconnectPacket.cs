using Broker.Mqtt.Properties;

namespace Broker.Mqtt.Packets;

/// <summary>DISCONNECT (3.14). On 3.x it has no content and is only ever sent by the client.</summary>
public sealed record DisconnectPacket : MqttPacket
{
    public static readonly DisconnectPacket Normal = new();

    public override PacketType Type => PacketType.Disconnect;

    public ReasonCode ReasonCode { get; init; }

    public MqttProperties Properties { get; init; } = MqttProperties.Empty;
}
