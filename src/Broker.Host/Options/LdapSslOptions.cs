using Microsoft.Extensions.Configuration;

namespace Broker.Host.Options;

/// <summary>An LDAP authenticator's <c>ssl</c>: LDAPS, checked against the system's trust store.</summary>
public sealed class LdapSslOptions
{
    [ConfigurationKeyName("enable")]
    public bool Enable { get; set; }
}
