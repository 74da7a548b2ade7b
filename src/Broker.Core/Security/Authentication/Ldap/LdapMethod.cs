namespace Broker.Core.Security.Authentication.Ldap;

/// <summary>How the LDAP authenticator checks a password (EMQX's <c>method.type</c>).</summary>
public enum LdapMethod
{
    /// <summary>Binds as the user's entry with the password: the directory checks it, whatever its hash.</summary>
    Bind,

    /// <summary>Reads the entry's password attribute and compares: {SSHA}, {SHA}, {SSHA256}, {SHA256} or plain text.</summary>
    Hash,
}
