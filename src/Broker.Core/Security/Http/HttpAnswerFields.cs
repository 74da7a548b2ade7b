using System.Text;
using System.Text.Json;

namespace Broker.Core.Security.Http;

/// <summary>The fields of a service's answer, a JSON object or a form, as EMQX reads both (<c>parse_http_resp_body</c>).</summary>
internal static class HttpAnswerFields
{
    public const string Json = "application/json";
    public const string Form = "application/x-www-form-urlencoded";

    /// <summary>The object's members: strings as they are, other JSON values as their JSON text (null for null, and for a result that is not a string).</summary>
    /// <exception cref="HttpServiceException">The body is not a JSON object.</exception>
    public static Dictionary<string, string?> FromJson(ReadOnlySpan<byte> body)
    {
        try
        {
            var reader = new Utf8JsonReader(body);
            using var document = JsonDocument.ParseValue(ref reader);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw new HttpServiceException($"the JSON body is {document.RootElement.ValueKind}, not an object");
            }

            var fields = new Dictionary<string, string?>(StringComparer.Ordinal);
            foreach (var member in document.RootElement.EnumerateObject())
            {
                fields[member.Name] = member.Value.ValueKind switch
                {
                    JsonValueKind.String => member.Value.GetString(),
                    JsonValueKind.Null => null,
                    _ => member.Value.GetRawText(),
                };
            }

            // A result that is not a string is no verdict, whatever its text.
            if (document.RootElement.TryGetProperty("result", out var result) && result.ValueKind != JsonValueKind.String)
            {
                fields["result"] = null;
            }

            return fields;
        }
        catch (JsonException e)
        {
            throw new HttpServiceException($"invalid JSON body: {e.Message}");
        }
    }

    public static Dictionary<string, string?> FromForm(ReadOnlySpan<byte> body)
    {
        var fields = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var (key, value) in UrlEncoding.ParseQuery(Encoding.UTF8.GetString(body)))
        {
            fields[key] = value;
        }

        return fields;
    }
}
