using Broker.Actors;
using Broker.Core.Messaging;
using Broker.Mqtt.Packets;

namespace Broker.Core.Sessions;

// Messages between connections, the session registry and session actors. Commands are
// imperative, replies past tense. Every one is immutable.

/// <summary>
/// To the registry: open, resume or take over the session of <c>Request.ClientId</c> for this
/// connection. The session sends <paramref name="ConnAck"/> (with Session Present set by it) as the
/// first packet on the connection, then resends what was unacknowledged and drains its queue.
/// Answered with <see cref="SessionOpened"/>.
/// </summary>
public sealed record OpenSession(ConnectRequest Request, IClientConnection Connection, ConnAckPacket ConnAck);

/// <summary>The session now serves the connection; the connection sends everything it reads to <paramref name="Session"/>.</summary>
public sealed record SessionOpened(IActorRef Session, bool SessionPresent);

/// <summary>A PUBLISH from the client, topic alias resolved and payload copied by the channel.</summary>
/// <param name="Denied">Refused by authorization: acknowledged in order (0x87 on 5.0, as usual on 3.x) and routed nowhere.</param>
public sealed record ClientPublish(IClientConnection Connection, ApplicationMessage Message, ushort PacketId, bool Denied = false);

/// <summary>PUBACK, PUBREC, PUBREL or PUBCOMP from the client.</summary>
public sealed record ClientAcknowledgement(IClientConnection Connection, PublishAcknowledgement Packet);

/// <summary>A SUBSCRIBE the channel has checked against the broker's limits; the session answers with SUBACK.</summary>
/// <param name="Refused">Per filter, the failure reason code the channel already decided (0x8F, 0x9E, 0xA1, 0xA2), or null to let the session grant it.</param>
public sealed record ClientSubscribe(IClientConnection Connection, SubscribePacket Packet, IReadOnlyList<Mqtt.ReasonCode?> Refused);

public sealed record ClientUnsubscribe(IClientConnection Connection, UnsubscribePacket Packet);

/// <summary>How a connection ended, which decides the will.</summary>
public enum DisconnectKind
{
    /// <summary>DISCONNECT 0x00 from the client: the will is discarded [MQTT-3.14.4-3].</summary>
    Normal,
    /// <summary>DISCONNECT 0x04 from a 5.0 client: disconnect, and publish the will.</summary>
    WithWill,
    /// <summary>Socket closed, keep-alive expired, protocol error, server shutdown or takeover: the will is published.</summary>
    Abnormal,
}

/// <summary>
/// The connection is gone (or the broker closed it). <paramref name="SessionExpirySeconds"/> is
/// the value from a 5.0 DISCONNECT, already checked by the channel, or null to keep the CONNECT one.
/// A session ignores this when <paramref name="Connection"/> is not its current one (a takeover).
/// </summary>
public sealed record ClientDisconnected(IClientConnection Connection, DisconnectKind Kind, uint? SessionExpirySeconds = null);

/// <summary>The connection's outgoing buffer has drained below its low-water mark.</summary>
public sealed record ConnectionWritable(IClientConnection Connection);
