using System.Net;
using System.Text.Json;
using Broker.Core.Security.Http;

namespace Broker.Core.Security.Authentication.Http;

/// <summary>
/// What the service's answer means, as EMQX 5 reads it (<c>emqx_authn_http:authenticate/2</c>): 204 allows; 200
/// with a JSON or form body says <c>result = allow | deny | ignore</c> (ignore when absent), <c>is_superuser</c>
/// and, with allow, the client's own <c>acl</c>; anything else (another status, another content type, a body that does not parse, an unknown
/// result) is the service failing, left to the chain's on-failure verdict.
/// </summary>
internal static class HttpAuthResponse
{
    /// <exception cref="HttpServiceException">The answer is none of allow, deny or ignore.</exception>
    public static AuthenticationResult Interpret(HttpStatusCode status, string? mediaType, ReadOnlySpan<byte> body)
    {
        switch (status)
        {
            case HttpStatusCode.NoContent:
                return AuthenticationResult.Allow();
            case HttpStatusCode.OK:
                break;
            default:
                throw new HttpServiceException($"status {(int)status}");
        }

        var fields = mediaType?.ToLowerInvariant() switch
        {
            HttpAnswerFields.Json => HttpAnswerFields.FromJson(body),
            HttpAnswerFields.Form => HttpAnswerFields.FromForm(body),
            _ => throw new HttpServiceException($"status 200 with content type {mediaType ?? "(none)"}, not JSON or a form"),
        };

        return fields.GetValueOrDefault("result", "ignore") switch
        {
            "allow" => AuthenticationResult.Allow(IsTrue(fields.GetValueOrDefault("is_superuser")), Acl(fields)),
            "deny" => AuthenticationResult.Deny("the service denied it"),
            "ignore" => AuthenticationResult.Ignore("the service ignored it"),
            var other => throw new HttpServiceException($"result {other ?? "(not a string)"}: allow, deny or ignore expected"),
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
            throw new HttpServiceException($"the acl of the answer does not read: {e.Message}");
        }
    }

    /// <summary>EMQX's <c>to_bool</c>: true, "true", or an integer (or its text) of at least 1.</summary>
    private static bool IsTrue(string? value) =>
        value == "true" || (long.TryParse(value, System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out var number) && number >= 1);
}
