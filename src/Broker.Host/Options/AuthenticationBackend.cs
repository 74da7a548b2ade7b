namespace Broker.Host.Options;

/// <summary>EMQX 5's <c>backend</c> of a password-based authenticator: where the users are.</summary>
public enum AuthenticationBackend
{
    BuiltInDatabase,
    Http,
    Postgresql,
    Ldap,
}
