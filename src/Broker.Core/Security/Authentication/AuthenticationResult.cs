using Broker.Core.Security.Authorization;

namespace Broker.Core.Security.Authentication;

/// <param name="Detail">Why, for the log (never for the client, which learns only the CONNACK reason code).</param>
/// <param name="Acl">Rules that came with the credentials (a JWT's claim), for <see cref="ClientInfo.Acl"/>.</param>
/// <param name="ExpiresAtMs">When the credentials end (a JWT's <c>exp</c>, Unix ms): the client is disconnected then.</param>
public readonly record struct AuthenticationResult(
    AuthenticationVerdict Verdict, bool IsSuperuser, string? Detail, IAuthorizationSource? Acl = null, long? ExpiresAtMs = null)
{
    public static AuthenticationResult Ignore(string? detail = null) => new(AuthenticationVerdict.Ignore, false, detail);

    public static AuthenticationResult Allow(bool superuser = false, IAuthorizationSource? acl = null, long? expiresAtMs = null) =>
        new(AuthenticationVerdict.Allow, superuser, null, acl, expiresAtMs);

    public static AuthenticationResult Deny(string detail) => new(AuthenticationVerdict.Deny, false, detail);
}
