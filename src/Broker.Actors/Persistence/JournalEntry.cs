namespace Broker.Actors.Persistence;

/// <summary>One stored event: its place in the persistent actor's history and its serialized form.</summary>
public sealed record JournalEntry(string PersistenceId, long SequenceNr, string Manifest, byte[] Payload);
