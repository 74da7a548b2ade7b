using Broker.Mqtt.Properties;

namespace Broker.Mqtt.Packets;

/// <summary>UNSUBACK (3.11). 3.x carries no reason codes: they are empty when decoded and not sent.</summary>
public sealed record UnsubAckPacket : MqttPacket
{
    public override PacketType Type => PacketType.UnsubAck;

    public ushort PacketId { get; init; }

    public IReadOnlyList<ReasonCode> ReasonCodes { get; init; } = [];

    public MqttProperties Properties { get; init; } = MqttProperties.Empty;
}
