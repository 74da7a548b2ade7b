using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Broker.Core.Security.Records;

/// <summary>Reads a record's JSON value, failing as <see cref="IRecordTable.Apply"/> promises: with a <see cref="FormatException"/>.</summary>
public static class RecordJson
{
    public static T Read<T>(string value, JsonTypeInfo<T> type)
        where T : class
    {
        try
        {
            return JsonSerializer.Deserialize(value, type) ?? throw new FormatException("an empty record value");
        }
        catch (JsonException e)
        {
            throw new FormatException(e.Message, e);
        }
    }
}
