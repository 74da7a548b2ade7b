using System.Collections.Concurrent;

namespace Broker.Actors.Persistence.Serialization;

/// <summary>
/// The types that may be stored, each registered with the manifest that names it in the database and its
/// serializer. A manifest read back from the database only ever selects a registered entry: never
/// <c>Type.GetType</c> on a string from storage, which would let a row choose what code to instantiate.
/// Register everything before the first persistent actor starts; lookups are lock-free afterwards.
/// </summary>
public sealed class EventSerializerRegistry
{
    private readonly ConcurrentDictionary<Type, (string Manifest, IEventSerializer Serializer)> _byType = new();
    private readonly ConcurrentDictionary<string, IEventSerializer> _byManifest = new(StringComparer.Ordinal);

    /// <summary>Registers <typeparamref name="T"/> under <paramref name="manifest"/>, with JSON unless told otherwise.</summary>
    public EventSerializerRegistry Register<T>(string manifest, IEventSerializer? serializer = null)
        where T : notnull
    {
        ArgumentException.ThrowIfNullOrEmpty(manifest);
        serializer ??= new JsonEventSerializer<T>();
        if (!_byManifest.TryAdd(manifest, serializer))
        {
            throw new InvalidOperationException($"The manifest '{manifest}' is already registered.");
        }

        if (!_byType.TryAdd(typeof(T), (manifest, serializer)))
        {
            _byManifest.TryRemove(manifest, out _);
            throw new InvalidOperationException($"{typeof(T)} is already registered under '{_byType[typeof(T)].Manifest}'.");
        }

        return this;
    }

    /// <summary>
    /// Reads rows written under an older manifest with the serializer of <typeparamref name="T"/>: a type
    /// renamed in code keeps its stored name or gains a new one without rewriting the database.
    /// </summary>
    public EventSerializerRegistry RegisterAlias<T>(string oldManifest)
        where T : notnull
    {
        ArgumentException.ThrowIfNullOrEmpty(oldManifest);
        if (!_byType.TryGetValue(typeof(T), out var entry))
        {
            throw new InvalidOperationException($"{typeof(T)} must be registered before its alias '{oldManifest}'.");
        }

        if (!_byManifest.TryAdd(oldManifest, entry.Serializer))
        {
            throw new InvalidOperationException($"The manifest '{oldManifest}' is already registered.");
        }

        return this;
    }

    public bool IsRegistered(Type type) => _byType.ContainsKey(type);

    public SerializedValue Serialize(object value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (!_byType.TryGetValue(value.GetType(), out var entry))
        {
            throw new UnregisteredTypeException(
                $"{value.GetType()} is not registered for persistence: call EventSerializerRegistry.Register<{value.GetType().Name}>(manifest).");
        }

        return new SerializedValue(entry.Manifest, entry.Serializer.ToBytes(value));
    }

    public object Deserialize(string manifest, ReadOnlySpan<byte> bytes)
    {
        if (!_byManifest.TryGetValue(manifest, out var serializer))
        {
            throw new UnregisteredTypeException($"No type is registered for the stored manifest '{manifest}'.");
        }

        return serializer.FromBytes(bytes);
    }
}
