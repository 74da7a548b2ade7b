namespace Broker.Actors.Persistence;

// What the stores' tasks tell a persistent actor. Each carries the instance that started the work, so that
// a late reply to an instance replaced by a restart is dropped instead of confusing the new one.

/// <summary>A part of recovery: the snapshot (first part only), events in order, and the highest sequence number on the last part.</summary>
internal sealed record RecoveryStep(
    PersistentActor Owner, SnapshotOffer? Offer, IReadOnlyList<ReplayedEvent> Events, long? HighestSequenceNr);

internal readonly record struct ReplayedEvent(long SequenceNr, object Event);

internal sealed record RecoveryFailed(PersistentActor Owner, Exception Cause);

/// <summary>The journal's answer to one atomic write; <see cref="Cause"/> null when it was committed.</summary>
internal sealed record WriteCompleted(PersistentActor Owner, long WriteId, Exception? Cause);
