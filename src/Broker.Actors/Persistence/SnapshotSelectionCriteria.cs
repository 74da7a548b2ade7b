namespace Broker.Actors.Persistence;

/// <summary>Which snapshots a load or a delete considers: those with a sequence number and a timestamp within the bounds (included).</summary>
public sealed record SnapshotSelectionCriteria(long MaxSequenceNr, DateTimeOffset MaxTimestamp, long MinSequenceNr = 0)
{
    public static readonly SnapshotSelectionCriteria Latest = new(long.MaxValue, DateTimeOffset.MaxValue);

    /// <summary>Recovery without a snapshot: every event is replayed.</summary>
    public static readonly SnapshotSelectionCriteria None = new(0, DateTimeOffset.MinValue);

    public static SnapshotSelectionCriteria UpTo(long maxSequenceNr) => new(maxSequenceNr, DateTimeOffset.MaxValue);
}
