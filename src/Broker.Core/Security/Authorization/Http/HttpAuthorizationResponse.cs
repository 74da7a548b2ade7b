using System.Net;
using Broker.Core.Security.Http;

namespace Broker.Core.Security.Authorization.Http;

/// <summary>
/// What the service's answer means, as EMQX 5 reads it (<c>emqx_authz_http:authorize/4</c>): 204 allows; 200 with a JSON
/// body (the content type JSON when none is given) or a form says <c>result = allow | deny | ignore</c>; anything else
/// (another status, a body that does not parse, no result or another one) matches nothing, and is logged.
/// </summary>
internal static class HttpAuthorizationResponse
{
    /// <returns>Allow, Deny, or NoMatch for ignore.</returns>
    /// <exception cref="HttpServiceException">The answer says none of allow, deny or ignore.</exception>
    public static AclDecision Interpret(HttpStatusCode status, string? mediaType, ReadOnlySpan<byte> body)
    {
        switch (status)
        {
            case HttpStatusCode.NoContent:
                return AclDecision.Allow;
            case HttpStatusCode.OK:
                break;
            default:
                throw new HttpServiceException($"status {(int)status}");
        }

        var fields = (mediaType?.ToLowerInvariant() ?? HttpAnswerFields.Json) switch
        {
            HttpAnswerFields.Json => HttpAnswerFields.FromJson(body),
            HttpAnswerFields.Form => HttpAnswerFields.FromForm(body),
            _ => throw new HttpServiceException($"status 200 with content type {mediaType}, not JSON or a form"),
        };

        return fields.GetValueOrDefault("result") switch
        {
            "allow" => AclDecision.Allow,
            "deny" => AclDecision.Deny,
            "ignore" => AclDecision.NoMatch,
            var other => throw new HttpServiceException($"result {other ?? "(none, or not a string)"}: allow, deny or ignore expected"),
        };
    }
}
