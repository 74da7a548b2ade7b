using Broker.Core.Routing;
using Broker.Mqtt;
using Broker.Mqtt.Packets;

namespace Broker.Core.Sessions.Journal;

// What a durable session journals: one event per change of the state that must survive a restart
// (EMQX keeps the same parts of a session: subscriptions, inflight, mqueue, awaiting_rel). QoS 0 messages
// are not journaled: a restart may lose them, as MQTT allows. Replaying the events in order on an empty
// SessionState rebuilds it (SessionState.Apply). Every one is immutable.

/// <summary>Base of the session's journaled events.</summary>
public abstract record SessionEvent;

public sealed record SubscriptionAdded(string Filter, SessionSubscription Subscription) : SessionEvent;

public sealed record SubscriptionRemoved(string Filter) : SessionEvent;

/// <summary>
/// A QoS 1/2 message entered the session: queued (<paramref name="PacketId"/> 0) or sent at once with that
/// packet id. <paramref name="Id"/> names it in the session until it leaves the queue.
/// </summary>
public sealed record MessageStored(long Id, Deliver Deliver, QualityOfService QoS, ushort PacketId) : SessionEvent;

/// <summary>The queued message left the queue for the inflight window with this packet id.</summary>
public sealed record MessageSent(long Id, ushort PacketId) : SessionEvent;

/// <summary>PUBREC came for an outgoing QoS 2 message: it now waits for PUBCOMP.</summary>
public sealed record MessageReleased(ushort PacketId) : SessionEvent;

/// <summary>The outgoing message left the inflight window: acknowledged, refused, or given to another shared member.</summary>
public sealed record MessageCompleted(ushort PacketId) : SessionEvent;

/// <summary>The queued message left the queue unsent: dropped for room, expired, too large, or given to another shared member.</summary>
public sealed record MessageDiscarded(long Id) : SessionEvent;

/// <summary>An inbound QoS 2 PUBLISH was routed; its id waits for PUBREL [MQTT-4.3.3-10].</summary>
public sealed record AwaitingRelAdded(ushort PacketId, long ReceivedAtMs) : SessionEvent;

public sealed record AwaitingRelRemoved(ushort PacketId) : SessionEvent;

/// <summary>A connection took the session, with its expiry and will: a crash while attached ends that connection abnormally.</summary>
public sealed record SessionAttached(uint ExpirySeconds, WillMessage? Will) : SessionEvent;

/// <summary>The connection ended at <paramref name="AtMs"/>: expiry and will delay count from then, across restarts.</summary>
public sealed record SessionDetached(long AtMs, uint ExpirySeconds, WillMessage? PendingWill) : SessionEvent;
