using System.Security.Cryptography;
using System.Text;
using Broker.Core.Security;
using Broker.Core.Security.Authentication;
using Broker.Core.Security.Authentication.Ldap;
using Broker.Tests;

namespace Broker.Core.Tests.Security.Ldap;

/// <summary>The LDAP authenticator against OpenLDAP's slapd, for people's tools that log in with their directory account.</summary>
public sealed class LdapAuthenticatorTests(SlapdServer slapd) : IClassFixture<SlapdServer>
{
    private LdapAuthenticatorSettings Settings(LdapMethod method) => new()
    {
        Server = slapd.Server,
        BindDn = SlapdServer.AdminDn,
        BindPassword = SlapdServer.AdminPassword,
        BaseDn = $"ou=people,{SlapdServer.Suffix}",
        Filter = "(&(objectClass=inetOrgPerson)(uid=${username}))",
        Method = method,
        IsSuperuserAttribute = "employeeType",
        RequestTimeout = TimeSpan.FromSeconds(5),
    };

    private static Credentials Login(string username, string? password) =>
        new(new ClientInfo { ClientId = "tool-1", Username = username }, password is null ? null : (ReadOnlyMemory<byte>?)Encoding.UTF8.GetBytes(password));

    private static string Ssha(string password)
    {
        var salt = RandomNumberGenerator.GetBytes(8);
        return "{SSHA}" + Convert.ToBase64String([.. SHA1.HashData([.. Encoding.UTF8.GetBytes(password), .. salt]), .. salt]);
    }

    [LdapFact]
    public async Task A_bind_as_the_person_checks_the_password_in_the_directory()
    {
        slapd.AddPerson("alice", "alice-pw");
        slapd.AddPerson("quality-lead", Ssha("lead-pw"), superuser: true);
        using var ldap = new LdapAuthenticator(Settings(LdapMethod.Bind));

        Assert.Equal(AuthenticationVerdict.Allow, (await ldap.AuthenticateAsync(Login("alice", "alice-pw"), CancellationToken.None)).Verdict);
        Assert.Equal(AuthenticationVerdict.Deny, (await ldap.AuthenticateAsync(Login("alice", "wrong"), CancellationToken.None)).Verdict);
        var lead = await ldap.AuthenticateAsync(Login("quality-lead", "lead-pw"), CancellationToken.None);
        Assert.Equal((AuthenticationVerdict.Allow, true), (lead.Verdict, lead.IsSuperuser));
        Assert.Equal(AuthenticationVerdict.Ignore, (await ldap.AuthenticateAsync(Login("nobody", "x"), CancellationToken.None)).Verdict);
        // An empty password would be an anonymous bind, which the directory accepts.
        Assert.Equal(AuthenticationVerdict.Deny, (await ldap.AuthenticateAsync(Login("alice", ""), CancellationToken.None)).Verdict);
    }

    [LdapFact]
    public async Task The_hash_method_compares_the_stored_password_itself()
    {
        slapd.AddPerson("bob", Ssha("bob-pw"));
        slapd.AddPerson("carol", "carol-pw");
        using var ldap = new LdapAuthenticator(Settings(LdapMethod.Hash));

        Assert.Equal(AuthenticationVerdict.Allow, (await ldap.AuthenticateAsync(Login("bob", "bob-pw"), CancellationToken.None)).Verdict);
        Assert.Equal(AuthenticationVerdict.Deny, (await ldap.AuthenticateAsync(Login("bob", "bob-pw "), CancellationToken.None)).Verdict);
        Assert.Equal(AuthenticationVerdict.Allow, (await ldap.AuthenticateAsync(Login("carol", "carol-pw"), CancellationToken.None)).Verdict);
    }

    [LdapFact]
    public async Task A_username_cannot_widen_the_filter_or_the_dn()
    {
        slapd.AddPerson("dave", "dave-pw");
        using var ldap = new LdapAuthenticator(Settings(LdapMethod.Bind));

        foreach (var hostile in new[] { "*", "dave)(uid=*", "*)(|(uid=*", "dave\\2a", "x,ou=people" })
        {
            Assert.NotEqual(AuthenticationVerdict.Allow, (await ldap.AuthenticateAsync(Login(hostile, "dave-pw"), CancellationToken.None)).Verdict);
        }

        using var byDn = new LdapAuthenticator(Settings(LdapMethod.Bind) with { BaseDn = $"uid=${{username}},ou=people,{SlapdServer.Suffix}", Filter = "(objectClass=*)" });
        Assert.Equal(AuthenticationVerdict.Allow, (await byDn.AuthenticateAsync(Login("dave", "dave-pw"), CancellationToken.None)).Verdict);
        Assert.NotEqual(AuthenticationVerdict.Allow, (await byDn.AuthenticateAsync(Login("dave,ou=people", "dave-pw"), CancellationToken.None)).Verdict);
    }

    [LdapFact]
    public async Task A_directory_that_is_down_fails_within_the_timeout()
    {
        var chain = new AuthenticationChain([new AuthenticationStep(new LdapAuthenticator(Settings(LdapMethod.Bind) with { Server = "127.0.0.1:1" }), TimeSpan.FromSeconds(3))]);

        var outcome = await chain.AuthenticateAsync(Login("alice", "alice-pw"), CancellationToken.None).AsTask().WaitAsync(TimeSpan.FromSeconds(10));

        Assert.False(outcome.Allowed);
        Assert.Contains("password_based:ldap (", outcome.Detail, StringComparison.Ordinal);
    }
}
