using Broker.Mqtt.Packets;

namespace Broker.Core.Sessions.Journal;

/// <summary>The durable part of <see cref="SessionState"/> at one sequence number: recovery starts from it.</summary>
/// <param name="Queued">QoS 1/2 messages only, in queue order.</param>
/// <param name="NextMessageId">The id the next stored message gets.</param>
public sealed record SessionStateSnapshot(
    IReadOnlyList<SubscriptionAdded> Subscriptions,
    IReadOnlyList<MessageStored> Queued,
    IReadOnlyList<InflightSnapshot> Inflight,
    IReadOnlyList<AwaitingRelAdded> AwaitingRel,
    long NextMessageId);

/// <summary>An outgoing message in the window, in first-sent order.</summary>
public sealed record InflightSnapshot(MessageStored Message, InflightPhase Phase);

/// <summary>
/// The snapshot of a session actor: the state, plus what the actor keeps beside it. <paramref name="DetachedAtMs"/>
/// null means a connection was attached when it was taken.
/// </summary>
public sealed record SessionSnapshot(
    SessionStateSnapshot State,
    uint ExpirySeconds,
    WillMessage? Will,
    long? DetachedAtMs,
    WillMessage? PendingWill);
