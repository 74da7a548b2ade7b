using System.Text.Json;
using System.Text.Json.Serialization;

namespace Broker.Core.Security.Records;

/// <summary>How a <see cref="SecurityRecord"/> is stored in the node's durable state: JSON, readable with a database's own tools.</summary>
public static partial class SecurityRecordFormat
{
    public const string Manifest = "security.record";

    // The durable key: kind and key joined by a character neither may hold in practice; the kind is split off at the first one.
    private const char Separator = '\n';

    public static string DurableKey(string kind, string key) => kind + Separator + key;

    public static byte[] Serialize(SecurityRecord record) =>
        JsonSerializer.SerializeToUtf8Bytes(new StoredRecord(record.Version, record.Value), StoredRecordContext.Default.StoredRecord);

    /// <exception cref="InvalidDataException">The row is not a record of this format.</exception>
    public static SecurityRecord Deserialize(string durableKey, string manifest, byte[] payload)
    {
        var at = durableKey.IndexOf(Separator, StringComparison.Ordinal);
        if (manifest != Manifest || at <= 0)
        {
            throw new InvalidDataException($"not a security record (manifest '{manifest}')");
        }

        try
        {
            var stored = JsonSerializer.Deserialize(payload, StoredRecordContext.Default.StoredRecord)
                ?? throw new InvalidDataException("an empty security record");
            return new SecurityRecord(durableKey[..at], durableKey[(at + 1)..], stored.Value, stored.Version);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException(e.Message, e);
        }
    }

    internal sealed record StoredRecord(
        [property: JsonPropertyName("version")] long Version,
        [property: JsonPropertyName("value")] string? Value);

    [JsonSerializable(typeof(StoredRecord))]
    internal sealed partial class StoredRecordContext : JsonSerializerContext;
}
