using Broker.Core.Routing;
using Broker.Mqtt.Packets;

namespace Broker.Core.Sessions;

/// <summary>Where an outgoing QoS 1/2 exchange stands.</summary>
public enum InflightPhase : byte
{
    /// <summary>PUBLISH sent; waiting for PUBACK (QoS 1) or PUBREC (QoS 2).</summary>
    AwaitingAck,

    /// <summary>PUBREC received and PUBREL sent; waiting for PUBCOMP.</summary>
    AwaitingComp,
}

/// <summary>
/// An outgoing PUBLISH awaiting acknowledgement. <paramref name="Packet"/> is kept as first sent
/// (packet id set, DUP clear) for resending; <paramref name="Source"/> is the delivery it came from,
/// for giving a shared subscription's message to another member.
/// </summary>
public sealed record InflightMessage(PublishPacket Packet, Deliver Source, InflightPhase Phase, long SentAtMs)
{
    public ushort PacketId => Packet.PacketId;
}
