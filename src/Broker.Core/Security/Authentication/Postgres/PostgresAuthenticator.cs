using System.Text;
using Broker.Core.Security.Postgres;

namespace Broker.Core.Security.Authentication.Postgres;

/// <summary>
/// EMQX 5's <c>password_based</c> / <c>postgresql</c> authenticator (<c>emqx_authn_postgresql</c>): the query
/// finds the client's row, whose <c>password_hash</c> (or <c>password</c>) and <c>salt</c> check the password.
/// No row: ignored, the next step may know the client. A row and a wrong password: denied. A client without a
/// password is ignored, as in EMQX. A server that cannot answer throws, and the chain applies the step's on-failure.
/// </summary>
public sealed class PostgresAuthenticator : IAuthenticator, IAsyncDisposable, IDisposable
{
    internal static readonly CredentialPlaceholder[] Placeholders =
    [
        CredentialPlaceholder.Username, CredentialPlaceholder.ClientId, CredentialPlaceholder.Password,
        CredentialPlaceholder.PeerHost, CredentialPlaceholder.CertCommonName, CredentialPlaceholder.CertSubject,
    ];

    private readonly PostgresQuery _query;
    private readonly PasswordHashAlgorithm _algorithm;

    /// <exception cref="ArgumentException">The query names an unknown placeholder, the algorithm is not valid, the pool size is below 1.</exception>
    public PostgresAuthenticator(PostgresAuthenticatorSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        if (settings.PasswordHashAlgorithm.Problem() is { } problem)
        {
            throw new ArgumentException(problem, nameof(settings));
        }

        _algorithm = settings.PasswordHashAlgorithm;
        _query = new PostgresQuery(settings.ConnectionString, settings.PoolSize, SqlTemplate.Parse(settings.Query, Placeholders));
    }

    public string Name => "password_based:postgresql";

    public async ValueTask<AuthenticationResult> AuthenticateAsync(Credentials credentials, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(credentials);
        if (credentials.Password is not { } password)
        {
            return AuthenticationResult.Ignore("no password");
        }

        var rows = await _query.ReadAsync(new SqlParameterValues(credentials.Client, password), 1, cancellationToken).ConfigureAwait(false);
        if (rows.Count == 0)
        {
            return AuthenticationResult.Ignore("no row for the client");
        }

        var row = rows[0];
        var hash = row.TryGetValue("password_hash", out var value) || row.TryGetValue("password", out value) ? Text(value) : null;
        if (hash is null)
        {
            return AuthenticationResult.Deny("the row has no password_hash (nor password)");
        }

        var salt = row.TryGetValue("salt", out var saltValue) ? Text(saltValue) ?? "" : "";
        return PasswordHasher.Verify(_algorithm, password.Span, hash, salt)
            ? AuthenticationResult.Allow(row.TryGetValue("is_superuser", out var superuser) && IsTrue(superuser))
            : AuthenticationResult.Deny("wrong password");
    }

    public ValueTask DisposeAsync() => _query.DisposeAsync();

    public void Dispose() => _query.Dispose();

    /// <summary>A text column, or a bytea one holding text.</summary>
    private static string? Text(object? value) => value switch
    {
        string text => text,
        byte[] bytes => Encoding.UTF8.GetString(bytes),
        null => null,
        _ => Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture),
    };

    /// <summary>EMQX's <c>to_bool</c>: true, a number of 1 or more, or text "true" or of such a number; anything else is false.</summary>
    internal static bool IsTrue(object? value) => value switch
    {
        bool flag => flag,
        short number => number >= 1,
        int number => number >= 1,
        long number => number >= 1,
        decimal number => number >= 1,
        string text => text == "true" || (long.TryParse(text, System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out var n) && n >= 1),
        byte[] bytes => IsTrue(Encoding.UTF8.GetString(bytes)),
        _ => false,
    };
}
