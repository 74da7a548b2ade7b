using System.Diagnostics;
using System.Net;
using System.Text;
using Broker.Core.Security;
using Broker.Core.Security.Authentication;
using Broker.Core.Security.Authentication.Postgres;
using Broker.Core.Security.Postgres;
using Npgsql;

namespace Broker.Core.Tests.Security.Postgres;

public sealed class PostgresAuthenticatorTests(PostgresSchema schema) : IClassFixture<PostgresSchema>, IAsyncLifetime
{
    private static readonly PasswordHashAlgorithm Sha256Prefix = PostgresAuthenticatorSettings.DefaultPasswordHashAlgorithm;

    public async Task InitializeAsync()
    {
        await schema.ExecuteAsync("CREATE TABLE IF NOT EXISTS mqtt_user (username text PRIMARY KEY, password_hash text, salt text, is_superuser boolean NOT NULL DEFAULT false)");
        await schema.ExecuteAsync("CREATE TABLE IF NOT EXISTS mqtt_device (clientid text, host text, cn text, dn text, password_hash text)");
    }

    public Task DisposeAsync() => Task.CompletedTask;

    private static Credentials Connect(string? username, string? password, string clientId = "c1", string? host = null, string? cn = null, string? dn = null) => new(
        new ClientInfo
        {
            ClientId = clientId,
            Username = username,
            PeerHost = host is null ? null : IPAddress.Parse(host),
            CertCommonName = cn,
            CertSubject = dn,
        },
        password is null ? (ReadOnlyMemory<byte>?)null : Encoding.UTF8.GetBytes(password));

    private async Task AddUserAsync(string username, string password, PasswordHashAlgorithm algorithm, bool superuser = false)
    {
        var salt = algorithm.Name == "bcrypt" ? "" : PasswordHasher.NewSalt();
        var hash = PasswordHasher.Hash(algorithm, Encoding.UTF8.GetBytes(password), salt);
        await schema.ExecuteAsync(
            "INSERT INTO mqtt_user (username, password_hash, salt, is_superuser) VALUES (@p0, @p1, @p2, @p3) "
            + "ON CONFLICT (username) DO UPDATE SET password_hash = @p1, salt = @p2, is_superuser = @p3",
            username, hash, salt, superuser);
    }

    private PostgresAuthenticator Authenticator(string? query = null, PasswordHashAlgorithm? algorithm = null, string? connectionString = null) => new(
        new PostgresAuthenticatorSettings(connectionString ?? schema.ConnectionString)
        {
            Query = query ?? PostgresAuthenticatorSettings.DefaultQuery,
            PasswordHashAlgorithm = algorithm ?? Sha256Prefix,
            PoolSize = 2,
        });

    public static TheoryData<string, string, int, string> Algorithms => new()
    {
        { "pbkdf2", "sha256", 1000, "suffix" },
        { "pbkdf2", "sha512", 10, "suffix" },
        { "bcrypt", "", 0, "suffix" },
        { "sha256", "", 0, "prefix" },
        { "sha256", "", 0, "suffix" },
        { "sha512", "", 0, "prefix" },
        { "sha512", "", 0, "disable" },
        { "plain", "", 0, "disable" },
    };

    [PostgresTheory]
    [MemberData(nameof(Algorithms))]
    public async Task Each_hash_algorithm_allows_the_right_password_and_denies_a_wrong_one(string name, string mac, int iterations, string saltPosition)
    {
        var algorithm = new PasswordHashAlgorithm
        {
            Name = name,
            MacFunction = mac.Length > 0 ? mac : "sha256",
            Iterations = iterations > 0 ? iterations : 4096,
            SaltPosition = saltPosition,
            SaltRounds = 4,
        };
        var username = $"{name}-{mac}-{saltPosition}";
        await AddUserAsync(username, "secret-1", algorithm);
        await using var authenticator = Authenticator(algorithm: algorithm);

        var right = await authenticator.AuthenticateAsync(Connect(username, "secret-1"), CancellationToken.None);
        var wrong = await authenticator.AuthenticateAsync(Connect(username, "secret-2"), CancellationToken.None);

        Assert.Equal(AuthenticationVerdict.Allow, right.Verdict);
        Assert.False(right.IsSuperuser);
        Assert.Equal(AuthenticationVerdict.Deny, wrong.Verdict);
    }

    [PostgresFact]
    public async Task A_client_without_a_row_or_without_a_password_is_ignored()
    {
        await AddUserAsync("known", "pw", Sha256Prefix);
        await using var authenticator = Authenticator();

        Assert.Equal(AuthenticationVerdict.Ignore, (await authenticator.AuthenticateAsync(Connect("stranger", "pw"), CancellationToken.None)).Verdict);
        var anonymous = await authenticator.AuthenticateAsync(Connect(null, "pw"), CancellationToken.None);
        Assert.True(anonymous.Verdict == AuthenticationVerdict.Ignore, anonymous.Detail);
        var withoutPassword = await authenticator.AuthenticateAsync(Connect("known", null), CancellationToken.None);
        Assert.True(withoutPassword.Verdict == AuthenticationVerdict.Ignore, withoutPassword.Detail);
    }

    [PostgresFact]
    public async Task A_query_that_returns_no_rows_ignores_everybody()
    {
        await AddUserAsync("nobody-sees-me", "pw", Sha256Prefix);
        await using var authenticator = Authenticator("SELECT password_hash, salt FROM mqtt_user WHERE username = ${username} AND false");

        var result = await authenticator.AuthenticateAsync(Connect("nobody-sees-me", "pw"), CancellationToken.None);

        Assert.Equal(AuthenticationVerdict.Ignore, result.Verdict);
    }

    [PostgresTheory]
    [InlineData("is_superuser", true)]
    [InlineData("NOT is_superuser", false)]
    [InlineData("1", true)]
    [InlineData("7", true)]
    [InlineData("0", false)]
    [InlineData("'true'", true)]
    [InlineData("'1'", true)]
    [InlineData("'false'", false)]
    [InlineData("'0'", false)]
    [InlineData("'yes'", false)]
    [InlineData("NULL", false)]
    public async Task Is_superuser_reads_as_emqx_reads_it(string expression, bool superuser)
    {
        await AddUserAsync("admin", "pw", Sha256Prefix, superuser: true);
        await using var authenticator = Authenticator($"SELECT password_hash, salt, {expression} AS is_superuser FROM mqtt_user WHERE username = ${{username}} LIMIT 1");

        var result = await authenticator.AuthenticateAsync(Connect("admin", "pw"), CancellationToken.None);

        Assert.Equal(AuthenticationVerdict.Allow, result.Verdict);
        Assert.Equal(superuser, result.IsSuperuser);
    }

    [PostgresFact]
    public async Task The_hash_may_be_a_column_named_password_and_the_salt_may_be_absent()
    {
        await using var authenticator = Authenticator(
            "SELECT 'secret' AS password FROM mqtt_user WHERE username = ${username}",
            new PasswordHashAlgorithm { Name = "plain", SaltPosition = "disable" });
        await AddUserAsync("plain-user", "unused", Sha256Prefix);

        Assert.Equal(AuthenticationVerdict.Allow, (await authenticator.AuthenticateAsync(Connect("plain-user", "secret"), CancellationToken.None)).Verdict);
        Assert.Equal(AuthenticationVerdict.Deny, (await authenticator.AuthenticateAsync(Connect("plain-user", "Secret"), CancellationToken.None)).Verdict);
    }

    [PostgresFact]
    public async Task A_row_without_a_hash_denies()
    {
        await AddUserAsync("hashless", "pw", Sha256Prefix);
        await using var withoutColumn = Authenticator("SELECT salt FROM mqtt_user WHERE username = ${username}");
        await using var withNull = Authenticator("SELECT NULL::text AS password_hash, salt FROM mqtt_user WHERE username = ${username}");

        Assert.Equal(AuthenticationVerdict.Deny, (await withoutColumn.AuthenticateAsync(Connect("hashless", "pw"), CancellationToken.None)).Verdict);
        Assert.Equal(AuthenticationVerdict.Deny, (await withNull.AuthenticateAsync(Connect("hashless", "pw"), CancellationToken.None)).Verdict);
    }

    [PostgresTheory]
    [InlineData("x' OR '1'='1")]
    [InlineData("x' OR '1'='1' --")]
    [InlineData("'; DROP TABLE mqtt_user; --")]
    [InlineData("$1")]
    [InlineData("${username}")]
    public async Task A_username_written_as_sql_is_only_ever_a_value(string username)
    {
        await AddUserAsync("victim", "pw", Sha256Prefix);
        await using var authenticator = Authenticator();

        var stranger = await authenticator.AuthenticateAsync(Connect(username, "pw"), CancellationToken.None);
        Assert.Equal(AuthenticationVerdict.Ignore, stranger.Verdict);
        Assert.True(await schema.CountAsync("mqtt_user") >= 1);

        // The same text as a real user's name finds exactly that user.
        await AddUserAsync(username, "own-pw", Sha256Prefix);
        Assert.Equal(AuthenticationVerdict.Allow, (await authenticator.AuthenticateAsync(Connect(username, "own-pw"), CancellationToken.None)).Verdict);
        Assert.Equal(AuthenticationVerdict.Deny, (await authenticator.AuthenticateAsync(Connect(username, "pw"), CancellationToken.None)).Verdict);
    }

    [PostgresFact]
    public async Task A_password_written_as_sql_is_only_ever_a_value()
    {
        await AddUserAsync("pw-in-query", "right", new PasswordHashAlgorithm { Name = "plain", SaltPosition = "disable" });
        await using var authenticator = Authenticator(
            "SELECT password_hash, salt FROM mqtt_user WHERE username = ${username} AND password_hash = ${password}",
            new PasswordHashAlgorithm { Name = "plain", SaltPosition = "disable" });

        Assert.Equal(AuthenticationVerdict.Allow, (await authenticator.AuthenticateAsync(Connect("pw-in-query", "right"), CancellationToken.None)).Verdict);
        Assert.Equal(AuthenticationVerdict.Ignore, (await authenticator.AuthenticateAsync(Connect("pw-in-query", "x' OR '1'='1"), CancellationToken.None)).Verdict);
    }

    [PostgresFact]
    public async Task Every_placeholder_is_bound_quoted_or_not()
    {
        await schema.ExecuteAsync(
            "INSERT INTO mqtt_device VALUES ('dev-1', '10.1.2.3', 'dev-1.plant', 'CN=dev-1.plant,O=Plant', 'pw'), ('dev-2', '', '', '', 'pw2')");
        await using var authenticator = Authenticator(
            "SELECT password_hash FROM mqtt_device WHERE clientid = ${clientid} AND host = \"${peerhost}\" AND cn = ${cert_common_name} AND dn = ${cert_subject}",
            new PasswordHashAlgorithm { Name = "plain", SaltPosition = "disable" });

        var device = await authenticator.AuthenticateAsync(Connect(null, "pw", "dev-1", "::ffff:10.1.2.3", "dev-1.plant", "CN=dev-1.plant,O=Plant"), CancellationToken.None);
        var otherHost = await authenticator.AuthenticateAsync(Connect(null, "pw", "dev-1", "10.1.2.4", "dev-1.plant", "CN=dev-1.plant,O=Plant"), CancellationToken.None);
        var withoutCertificate = await authenticator.AuthenticateAsync(Connect(null, "pw2", "dev-2"), CancellationToken.None);

        Assert.Equal(AuthenticationVerdict.Allow, device.Verdict);
        Assert.Equal(AuthenticationVerdict.Ignore, otherHost.Verdict);
        Assert.Equal(AuthenticationVerdict.Allow, withoutCertificate.Verdict);
    }

    [PostgresFact]
    public async Task A_query_the_server_refuses_fails_with_its_reason()
    {
        await using var authenticator = Authenticator("SELECT password_hash, salt FROM no_such_table WHERE username = ${username}");

        var error = await Assert.ThrowsAsync<PostgresAuthException>(() => authenticator.AuthenticateAsync(Connect("u-name", "s3cr3t-value"), CancellationToken.None).AsTask());

        Assert.Contains("42P01", error.Message, StringComparison.Ordinal);
        Assert.Contains("no_such_table", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cr3t-value", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("u-name", error.Message, StringComparison.Ordinal);
    }

    [PostgresFact]
    public async Task An_unreachable_server_throws_and_the_chain_applies_the_steps_on_failure()
    {
        await using var authenticator = Authenticator(connectionString: DeadServers.ClosedPort());

        await Assert.ThrowsAnyAsync<NpgsqlException>(() => authenticator.AuthenticateAsync(Connect("u", "pw"), CancellationToken.None).AsTask());

        var chain = new AuthenticationChain([new AuthenticationStep(authenticator, TimeSpan.FromSeconds(5), AuthenticationVerdict.Deny)]);
        var outcome = await chain.AuthenticateAsync(Connect("u", "pw"), CancellationToken.None);
        Assert.False(outcome.Allowed);
        Assert.True(outcome.BadCredentials);
    }

    [PostgresFact]
    public async Task A_server_that_never_answers_costs_a_connect_no_more_than_the_steps_timeout()
    {
        using var silent = new SilentServer();
        await using var authenticator = Authenticator(connectionString: silent.ConnectionString);
        var chain = new AuthenticationChain([new AuthenticationStep(authenticator, TimeSpan.FromMilliseconds(500))]);

        var clock = Stopwatch.StartNew();
        var outcome = await chain.AuthenticateAsync(Connect("u", "pw"), CancellationToken.None);

        Assert.False(outcome.Allowed);
        Assert.Contains("no answer within 500 ms", outcome.Detail, StringComparison.Ordinal);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"took {clock.Elapsed}");

        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => authenticator.AuthenticateAsync(Connect("u", "pw"), cancel.Token).AsTask());
    }
}
