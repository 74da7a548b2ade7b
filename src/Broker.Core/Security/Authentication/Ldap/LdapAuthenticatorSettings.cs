namespace Broker.Core.Security.Authentication.Ldap;

/// <summary>EMQX 5's <c>backend = ldap</c> settings.</summary>
public sealed record LdapAuthenticatorSettings
{
    /// <summary><c>server</c>: host:port (389 when no port is given).</summary>
    public required string Server { get; init; }

    /// <summary><c>ssl.enable</c>: LDAPS.</summary>
    public bool Ssl { get; init; }

    /// <summary><c>username</c>: the DN the entries are searched as; empty for an anonymous search.</summary>
    public string BindDn { get; init; } = "";

    /// <summary><c>password</c> of <see cref="BindDn"/>.</summary>
    public string BindPassword { get; init; } = "";

    /// <summary><c>base_dn</c>, where the search starts; <c>${username}</c> and <c>${clientid}</c> are DN-escaped into it.</summary>
    public string BaseDn { get; init; } = "uid=${username},ou=testdevice,dc=emqx,dc=io";

    /// <summary><c>filter</c>; placeholders are filter-escaped into it (RFC 4515), so a username cannot widen it.</summary>
    public string Filter { get; init; } = "(objectClass=mqttUser)";

    public LdapMethod Method { get; init; } = LdapMethod.Bind;

    /// <summary><c>method.password_attribute</c>, for <see cref="LdapMethod.Hash"/>.</summary>
    public string PasswordAttribute { get; init; } = "userPassword";

    /// <summary><c>method.is_superuser_attribute</c>: an entry whose value is TRUE (or true, 1) is a superuser.</summary>
    public string IsSuperuserAttribute { get; init; } = "isSuperuser";

    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary><c>pool_size</c>: LDAP requests at once; the others wait their turn, so the pool's threads stay free.</summary>
    public int PoolSize { get; init; } = 8;
}
