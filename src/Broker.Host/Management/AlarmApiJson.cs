using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Broker.Host.Management;

/// <summary>
/// An alarm as EMQX 5's <c>/api/v5/alarms</c> shows it (emqx_alarm's <c>format</c>): times in RFC 3339 to the
/// millisecond, the duration in milliseconds (until now while active), <c>deactivate_at</c> only once cleared.
/// </summary>
internal sealed record AlarmJson(string Node, string Name, string Message, JsonElement Details, long Duration, string ActivateAt, string? DeactivateAt);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, WriteIndented = true, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(PageJson<AlarmJson>))]
[JsonSerializable(typeof(AlarmJson[]))]
internal sealed partial class AlarmApiJson : JsonSerializerContext
{
    public static AlarmApiJson Written { get; } = new(new JsonSerializerOptions
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    });
}
