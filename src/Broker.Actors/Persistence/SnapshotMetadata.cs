namespace Broker.Actors.Persistence;

/// <summary>Which actor a snapshot belongs to, the sequence number of the last event it covers, and when it was taken.</summary>
public sealed record SnapshotMetadata(string PersistenceId, long SequenceNr, DateTimeOffset Timestamp);
