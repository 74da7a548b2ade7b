using Broker.Mqtt.Properties;

namespace Broker.Mqtt.Packets;

/// <summary>SUBACK (3.9): one reason code per topic filter, in the order of the SUBSCRIBE.</summary>
public sealed record SubAckPacket : MqttPacket
{
    public override PacketType Type => PacketType.SubAck;

    public ushort PacketId { get; init; }

    /// <summary>On 3.x every failure code is sent as 0x80, the only failure 3.1.1 knows.</summary>
    public IReadOnlyList<ReasonCode> ReasonCodes { get; init; } = [];

    public MqttProperties Properties { get; init; } = MqttProperties.Empty;
}
