namespace Broker.Core.Security.Authentication;

/// <param name="Detail">Why, for the log (never for the client, which learns only the CONNACK reason code).</param>
public readonly record struct AuthenticationResult(AuthenticationVerdict Verdict, bool IsSuperuser, string? Detail)
{
    public static AuthenticationResult Ignore(string? detail = null) => new(AuthenticationVerdict.Ignore, false, detail);

    public static AuthenticationResult Allow(bool superuser = false) => new(AuthenticationVerdict.Allow, superuser, null);

    public static AuthenticationResult Deny(string detail) => new(AuthenticationVerdict.Deny, false, detail);
}
