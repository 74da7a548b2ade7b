using System.Net;
using System.Text;
using System.Text.Json;

namespace Broker.Core.Security.Authentication.Http;

/// <summary>
/// What the service's answer means, as EMQX 5 reads it (<c>emqx_authn_http:authenticate/2</c>): 204 allows; 200
/// with a JSON or form body says <c>result = allow | deny | ignore</c> (ignore when absent), <c>is_superuser</c>
/// and, with allow, the client's own <c>acl</c>; anything else (another status, another content type, a body that does not parse, an unknown
/// result) is the service failing, left to the chain's on-failure verdict.
/// </summary>
internal static class HttpAuthResponse
{
    /// <exception cref="HttpAuthenticationException">The answer is none of allow, deny or ignore.</exception>
    public static AuthenticationResult Interpret(HttpStatusCode status, string? mediaType, ReadOnlySpan<byte> body)
    {
        switch (status)
        {
            case HttpStatusCode.NoContent:
                return AuthenticationResult.Allow();
            case HttpStatusCode.OK:
                break;
            default:
                throw new HttpAuthenticationException($"status {(int)status}");
        }

        var fields = mediaType?.ToLowerInvariant() switch
        {
            "application/json" => JsonFields(body),
            "application/x-www-form-urlencoded" => FormFields(body),
            _ => throw new HttpAuthenticationException($"status 200 with content type {mediaType ?? "(none)"}, not JSON or a form"),
        };

        return fields.GetValueOrDefault("result", "ignore") switch
        {
            "allow" => AuthenticationResult.Allow(IsTrue(fields.GetValueOrDefault("is_superuser")), Acl(fields)),
            "deny" => AuthenticationResult.Deny("the service denied it"),
            "ignore" => AuthenticationResult.Ignore("the service ignored it"),
            var other => throw new HttpAuthenticationException($"result {other ?? "(not a string)"}: allow, deny or ignore expected"),
        };
    }

    /// <summary>
    /// EMQX 5.7+'s <c>acl</c> in the answer: the client's own rules, in the format of a JWT's acl claim, asked before the
    /// configured sources. Rules that do not read fail the answer: allowing without them would grant more than the
    /// service meant.
    /// </summary>
    private static Authorization.IAuthorizationSource? Acl(Dictionary<string, string?> fields)
    {
        if (fields.GetValueOrDefault("acl") is not { } text)
        {
            return null;
        }

        try
        {
            using var document = JsonDocument.Parse(text);
            return Jwt.JwtAclParser.Parse(document.RootElement, expiresAt: null, TimeProvider.System);
        }
        catch (Exception e) when (e is JsonException or FormatException)
        {
            throw new HttpAuthenticationException($"the acl of the answer does not read: {e.Message}");
        }
    }

    /// <summary>The object's members: strings as they are, other JSON values as their JSON text (null for null).</summary>
    private static Dictionary<string, string?> JsonFields(ReadOnlySpan<byte> body)
    {
        try
        {
            var reader = new Utf8JsonReader(body);
            using var document = JsonDocument.ParseValue(ref reader);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw new HttpAuthenticationException($"the JSON body is {document.RootElement.ValueKind}, not an object");
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
            throw new HttpAuthenticationException($"invalid JSON body: {e.Message}");
        }
    }

    private static Dictionary<string, string?> FormFields(ReadOnlySpan<byte> body)
    {
        var fields = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var (key, value) in UrlEncoding.ParseQuery(Encoding.UTF8.GetString(body)))
        {
            fields[key] = value;
        }

        return fields;
    }

    /// <summary>EMQX's <c>to_bool</c>: true, "true", or an integer (or its text) of at least 1.</summary>
    private static bool IsTrue(string? value) =>
        value == "true" || (long.TryParse(value, System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out var number) && number >= 1);
}
