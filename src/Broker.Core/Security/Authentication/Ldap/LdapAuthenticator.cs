using System.DirectoryServices.Protocols;
using System.Globalization;
using System.Net;
using System.Text;

namespace Broker.Core.Security.Authentication.Ldap;

/// <summary>
/// EMQX 5's <c>password_based</c> / <c>ldap</c> authenticator, for people's tools that log in with their directory
/// account. The entry is searched from <c>base_dn</c> with <c>filter</c> (as <c>username</c>, or anonymously); none
/// found: ignore. Then either the directory checks the password by a bind as that entry, or its password attribute
/// is compared here. A wrong password is a deny; an empty one is always refused, since a bind with an empty password
/// is an anonymous bind that would succeed. LDAP calls block, so they run at most <c>pool_size</c> at once, each
/// within <c>request_timeout</c>: a directory that hangs holds that many threads for that long, never the others.
/// </summary>
public sealed class LdapAuthenticator : IAuthenticator, IDisposable
{
    private const int InvalidCredentials = 49;

    private readonly LdapAuthenticatorSettings _settings;
    private readonly LdapDirectoryIdentifier _server;
    private readonly SemaphoreSlim _slots;

    public LdapAuthenticator(LdapAuthenticatorSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentOutOfRangeException.ThrowIfLessThan(settings.PoolSize, 1);
        _settings = settings;
        var (host, port) = ParseServer(settings.Server, settings.Ssl);
        _server = new LdapDirectoryIdentifier(host, port);
        _slots = new SemaphoreSlim(settings.PoolSize, settings.PoolSize);
    }

    public string Name => "password_based:ldap";

    public void Dispose() => _slots.Dispose();

    public async ValueTask<AuthenticationResult> AuthenticateAsync(Credentials credentials, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(credentials);
        if (credentials.Client.Username is not { Length: > 0 })
        {
            return AuthenticationResult.Ignore("no username");
        }

        if (credentials.Password is not { Length: > 0 } password)
        {
            return AuthenticationResult.Deny($"user {credentials.Client.Username}: no password");
        }

        await _slots.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var secret = Encoding.UTF8.GetString(password.Span);
            return await Task.Run(() => Authenticate(credentials.Client, secret), cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _slots.Release();
        }
    }

    private AuthenticationResult Authenticate(ClientInfo client, string password)
    {
        var baseDn = LdapEscaping.Render(_settings.BaseDn, client, LdapEscaping.Dn);
        var filter = LdapEscaping.Render(_settings.Filter, client, LdapEscaping.Filter);
        using var searcher = Connect();
        if (_settings.BindDn.Length > 0)
        {
            searcher.Bind(new NetworkCredential(_settings.BindDn, _settings.BindPassword));
        }
        else
        {
            searcher.AuthType = AuthType.Anonymous;
            searcher.Bind();
        }

        var attributes = _settings.Method == LdapMethod.Hash ? new[] { _settings.PasswordAttribute, _settings.IsSuperuserAttribute } : [_settings.IsSuperuserAttribute];
        SearchResponse response;
        try
        {
            response = (SearchResponse)searcher.SendRequest(new SearchRequest(baseDn, filter, SearchScope.Subtree, attributes), _settings.RequestTimeout);
        }
        catch (DirectoryOperationException e) when (e.Response?.ResultCode == ResultCode.NoSuchObject)
        {
            return AuthenticationResult.Ignore("no such entry");
        }

        if (response.Entries.Count == 0)
        {
            return AuthenticationResult.Ignore("no such entry");
        }

        var entry = response.Entries[0];
        var superuser = IsTrue(entry, _settings.IsSuperuserAttribute);
        var matches = _settings.Method == LdapMethod.Bind ? BindsAs(entry.DistinguishedName, password) : HashMatches(entry, password);
        return matches ? AuthenticationResult.Allow(superuser) : AuthenticationResult.Deny($"{entry.DistinguishedName}: wrong password");
    }

    private bool BindsAs(string dn, string password)
    {
        using var connection = Connect();
        try
        {
            connection.Bind(new NetworkCredential(dn, password));
            return true;
        }
        catch (LdapException e) when (e.ErrorCode == InvalidCredentials)
        {
            return false;
        }
    }

    private bool HashMatches(SearchResultEntry entry, string password) =>
        entry.Attributes[_settings.PasswordAttribute] is { } values
        && values.GetValues(typeof(byte[])).Cast<byte[]>().Any(stored => LdapPassword.Matches(Encoding.UTF8.GetString(stored), password));

    private static bool IsTrue(SearchResultEntry entry, string attribute) =>
        entry.Attributes[attribute] is { Count: > 0 } values
        && values[0] is string text && (text.Equals("TRUE", StringComparison.OrdinalIgnoreCase) || text == "1");

    private LdapConnection Connect()
    {
        var connection = new LdapConnection(_server) { AuthType = AuthType.Basic, Timeout = _settings.RequestTimeout };
        connection.SessionOptions.ProtocolVersion = 3;
        connection.SessionOptions.SecureSocketLayer = _settings.Ssl;
        return connection;
    }

    private static (string Host, int Port) ParseServer(string server, bool ssl)
    {
        var colon = server.LastIndexOf(':');
        if (colon > 0 && int.TryParse(server[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var port) && port is > 0 and < 65536)
        {
            return (server[..colon], port);
        }

        return string.IsNullOrWhiteSpace(server) || colon > 0
            ? throw new ArgumentException($"server must be host or host:port, got \"{server}\"", nameof(server))
            : (server, ssl ? 636 : 389);
    }
}
