namespace Broker.Mqtt.Packets;

/// <summary>A decoded MQTT control packet, the same shape for every protocol level.</summary>
public abstract record MqttPacket
{
    public abstract PacketType Type { get; }
}
