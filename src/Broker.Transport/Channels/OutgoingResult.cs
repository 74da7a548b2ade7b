using Broker.Mqtt.Packets;

namespace Broker.Transport.Channels;

/// <summary>What the writer does with one outgoing packet: encode <see cref="Packet"/> (aliased, or trimmed, it may not be the one given), or drop it for <see cref="Drop"/>.</summary>
public readonly record struct OutgoingResult(MqttPacket? Packet, OutgoingDrop Drop)
{
    public static OutgoingResult Write(MqttPacket packet) => new(packet, OutgoingDrop.None);

    public static OutgoingResult Dropped(OutgoingDrop drop) => new(null, drop);
}
