using Broker.Mqtt.Properties;

namespace Broker.Mqtt.Packets;

/// <summary>
/// PUBACK, PUBREC, PUBREL and PUBCOMP (3.4-3.7) share one layout: packet identifier, then on 5.0 an
/// optional reason code and optional properties.
/// </summary>
public abstract record PublishAcknowledgement : MqttPacket
{
    public ushort PacketId { get; init; }

    public ReasonCode ReasonCode { get; init; }

    public MqttProperties Properties { get; init; } = MqttProperties.Empty;
}

/// <summary>PUBACK (3.4): the answer to a QoS 1 PUBLISH.</summary>
public sealed record PubAckPacket : PublishAcknowledgement
{
    public override PacketType Type => PacketType.PubAck;
}

/// <summary>PUBREC (3.5): the first answer to a QoS 2 PUBLISH.</summary>
public sealed record PubRecPacket : PublishAcknowledgement
{
    public override PacketType Type => PacketType.PubRec;
}

/// <summary>PUBREL (3.6): the answer to PUBREC.</summary>
public sealed record PubRelPacket : PublishAcknowledgement
{
    public override PacketType Type => PacketType.PubRel;
}

/// <summary>PUBCOMP (3.7): the answer to PUBREL, which ends a QoS 2 exchange.</summary>
public sealed record PubCompPacket : PublishAcknowledgement
{
    public override PacketType Type => PacketType.PubComp;
}
