namespace Broker.Actors.Persistence;

/// <summary>The stored value of one key: its serialized form and the manifest that says how to read it.</summary>
public sealed record DurableStateEntry(string Kind, string Key, string Manifest, byte[] Payload);
