namespace Broker.Actors.Persistence.Serialization;

/// <summary>A value as stored: the manifest that names its type in the registry, and its bytes.</summary>
public readonly record struct SerializedValue(string Manifest, byte[] Bytes);
