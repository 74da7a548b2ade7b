using System.Text.Json;

namespace Broker.Actors.Persistence.Serialization;

/// <summary>
/// The default serializer: System.Text.Json in UTF-8, which round-trips records with primary constructors.
/// Readable in the database and tolerant of added properties; the broker registers compact binary
/// serializers instead where the size or the speed matters.
/// </summary>
public sealed class JsonEventSerializer<T>(JsonSerializerOptions? options = null) : IEventSerializer
    where T : notnull
{
    private static readonly JsonSerializerOptions DefaultOptions = new(JsonSerializerDefaults.General);

    private readonly JsonSerializerOptions _options = options ?? DefaultOptions;

    public byte[] ToBytes(object value) => JsonSerializer.SerializeToUtf8Bytes((T)value, _options);

    public object FromBytes(ReadOnlySpan<byte> bytes) =>
        JsonSerializer.Deserialize<T>(bytes, _options) ?? throw new JsonException($"null where a {typeof(T).Name} was stored");
}
