namespace Broker.Actors.Persistence;

/// <summary>A snapshot as stored: its metadata and its serialized state.</summary>
public sealed record StoredSnapshot(SnapshotMetadata Metadata, string Manifest, byte[] Payload);
