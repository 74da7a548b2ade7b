using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Broker.Interop.Tests.Infrastructure;
using Broker.Tests;
using Microsoft.AspNetCore.Http;

namespace Broker.Interop.Tests;

/// <summary>
/// Services that log in with a JWT of the plant's identity provider, and a password checked by an HTTP service on
/// Kestrel inside the test, with mosquitto_pub as the client (its exit code is the CONNACK's).
/// </summary>
public sealed class CredentialServicesTests(ITestOutputHelper output) : IDisposable
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);
    private const string Secret = "plant-identity-provider-secret-of-enough-length-for-hs256";

    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("broker-credentials-");

    public void Dispose() => _dir.Delete(recursive: true);

    private async Task<BrokerProcess> StartAsync(string authentication)
    {
        var conf = Path.Combine(_dir.FullName, "broker.conf");
        await File.WriteAllTextAsync(conf, $"authentication = [{authentication}]\n");
        return await BrokerProcess.StartOursAsync("-c", conf);
    }

    /// <summary>An HS256 token, made here with nothing but HMAC, as an identity provider would.</summary>
    private static string Token(object claims)
    {
        static string Encode(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        var signed = Encode(JsonSerializer.SerializeToUtf8Bytes(new { alg = "HS256", typ = "JWT" })) + "." + Encode(JsonSerializer.SerializeToUtf8Bytes(claims));
        return signed + "." + Encode(HMACSHA256.HashData(Encoding.UTF8.GetBytes(Secret), Encoding.UTF8.GetBytes(signed)));
    }

    private static long In(TimeSpan from) => DateTimeOffset.UtcNow.Add(from).ToUnixTimeSeconds();

    [InteropFact(Tools.MosquittoPub, OursOnly = true, OwnBroker = true)]
    public async Task A_jwt_in_the_password_is_checked_for_signature_expiry_and_claims_and_its_acl_claim_applies()
    {
        await using var broker = await StartAsync($$"""{ mechanism = jwt, secret = "{{Secret}}", verify_claims { sub = "${clientid}" } }""");
        using var clients = new Clients(output, broker.Endpoint);

        async Task<CapturedProcess> PublishAsync(string clientId, string token, string topic = "plant/mes/orders")
        {
            var pub = clients.MosquittoPub("-d", "-V", "mqttv5", "-i", clientId, "-u", "mes-service", "-P", token, "-q", "1", "-t", topic, "-m", "order 42");
            await pub.WaitForExitAsync(Deadline);
            return pub;
        }

        var acl = new object[] { new { permission = "deny", action = "publish", topic = "plant/+/commands/#" } };
        Assert.Equal(0, (await PublishAsync("mes-1", Token(new { sub = "mes-1", exp = In(TimeSpan.FromHours(1)), acl }))).ExitCode);
        Assert.Equal(0x86, (await PublishAsync("mes-1", Token(new { sub = "mes-1", exp = In(TimeSpan.FromMinutes(-1)) }))).ExitCode);
        Assert.Equal(0x86, (await PublishAsync("mes-2", Token(new { sub = "mes-1", exp = In(TimeSpan.FromHours(1)) }))).ExitCode);
        var forged = Token(new { sub = "mes-1", exp = In(TimeSpan.FromHours(1)) });
        Assert.Equal(0x86, (await PublishAsync("mes-1", forged[..^4] + (forged[^4] == 'A' ? "B" : "A") + forged[^3..])).ExitCode);
        Assert.Equal(0x86, (await PublishAsync("mes-1", "not.a.token")).ExitCode);

        var denied = await PublishAsync("mes-1", Token(new { sub = "mes-1", exp = In(TimeSpan.FromHours(1)), acl }), "plant/line1/commands/press-7");
        Assert.Contains(denied.Transcript.Split('\n'), l => l.Contains("received PUBACK (Mid: 1, RC:135)", StringComparison.Ordinal));
    }

    /// <summary>
    /// A token's exp ends the connection it opened (disconnect_after_expire, on by default as in EMQX): DISCONNECT 0x87,
    /// and the client's will goes out, as at any end the client did not ask for.
    /// </summary>
    [InteropFact(Tools.MosquittoSub, OursOnly = true, OwnBroker = true)]
    public async Task A_client_is_disconnected_with_its_will_when_its_token_expires()
    {
        await using var broker = await StartAsync($$"""{ mechanism = jwt, secret = "{{Secret}}" }""");
        using var clients = new Clients(output, broker.Endpoint);
        var watcher = clients.MosquittoSub("-d", "-V", "mqttv5", "-i", "watcher", "-u", "mes-service", "-P", Token(new { exp = In(TimeSpan.FromHours(1)) }),
            "-q", "1", "-t", "plant/line1/status/#", "-C", "1", "-v");
        await watcher.WaitForLineAsync(l => l.Contains("SUBACK", StringComparison.Ordinal), Deadline, "the watcher's SUBACK");

        var press = clients.MosquittoSub("-d", "-V", "mqttv5", "-i", "press-7", "-u", "press-7", "-P", Token(new { exp = In(TimeSpan.FromSeconds(3)) }),
            "--will-topic", "plant/line1/status/press-7", "--will-payload", "offline", "-t", "plant/line1/commands/press-7");
        await press.WaitForLineAsync(l => l.Contains("SUBACK", StringComparison.Ordinal), Deadline, "the press's SUBACK");

        await press.WaitForLineAsync(l => l.Contains("DISCONNECT", StringComparison.Ordinal) && l.Contains("135", StringComparison.Ordinal), Deadline,
            "DISCONNECT 0x87 once the token expired");
        Assert.Equal(0, await watcher.WaitForExitAsync(Deadline));
        Assert.Contains("plant/line1/status/press-7 offline", watcher.Lines);
    }

    /// <summary>People's tools log in with their directory account: a bind as the person's entry in OpenLDAP's slapd.</summary>
    [InteropFact(Tools.MosquittoPub, OursOnly = true, OwnBroker = true)]
    public async Task A_directory_account_logs_in_through_ldap()
    {
        Assert.Null(SlapdServer.SkipReason);
        var slapd = new SlapdServer();
        await slapd.InitializeAsync();
        try
        {
            slapd.AddPerson("quality-lead", "lead-pw");
            await using var broker = await StartAsync($$"""
                { backend = ldap, server = "{{slapd.Server}}", username = "{{SlapdServer.AdminDn}}", password = "{{SlapdServer.AdminPassword}}",
                  base_dn = "ou=people,{{SlapdServer.Suffix}}", filter = "(&(objectClass=inetOrgPerson)(uid=${username}))" }
                """);
            using var clients = new Clients(output, broker.Endpoint);

            async Task<int> PublishAsync(string user, string password) =>
                await clients.MosquittoPub("-V", "mqttv5", "-u", user, "-P", password, "-t", "plant/quality/notes", "-m", "x").WaitForExitAsync(Deadline);

            Assert.Equal(0, await PublishAsync("quality-lead", "lead-pw"));
            Assert.Equal(0x86, await PublishAsync("quality-lead", "guess"));
            Assert.Equal(0x87, await PublishAsync("*", "lead-pw"));
        }
        finally
        {
            await slapd.DisposeAsync();
        }
    }

    /// <summary>
    /// Users and their rules in the plant's PostgreSQL: a password checked against the stored hash, the rows of the
    /// client's rules read at CONNECT, and SQL in a username kept a value.
    /// </summary>
    [InteropFact(Tools.MosquittoPub, Tools.Postgres, OursOnly = true, OwnBroker = true)]
    public async Task Users_and_rules_in_postgresql_decide_who_connects_and_what_they_publish()
    {
        await using var database = await PostgresBrokerDatabase.CreateAsync();
        var hash = Core.Security.Authentication.PasswordHasher.Hash(Core.Security.Authentication.PasswordHashAlgorithm.Default, "line1-pw"u8, "a1b2");
        await database.ExecuteInDatabaseAsync($$"""
            CREATE TABLE mqtt_user (username text PRIMARY KEY, password_hash text, salt text, is_superuser boolean);
            INSERT INTO mqtt_user VALUES ('line1-press', '{{hash}}', 'a1b2', false);
            CREATE TABLE mqtt_acl (username text, permission text, action text, topic text);
            INSERT INTO mqtt_acl VALUES ('line1-press', 'allow', 'publish', 'plant/line1/${username}/#');
            """);
        var connection = new Npgsql.NpgsqlConnectionStringBuilder(database.ConnectionString);
        var keys = $"server = \"{connection.Host}:{connection.Port}\", database = \"{connection.Database}\", username = \"{connection.Username}\", password = \"{connection.Password}\"";
        var conf = Path.Combine(_dir.FullName, "broker.conf");
        await File.WriteAllTextAsync(conf, $$"""
            authentication = [{ backend = postgresql, {{keys}} }]
            authorization { no_match = deny, sources = [{ type = postgresql, {{keys}} }] }
            """);
        await using var broker = await BrokerProcess.StartOursAsync("-c", conf);
        using var clients = new Clients(output, broker.Endpoint);

        async Task<CapturedProcess> PublishAsync(string user, string password, string topic = "plant/line1/line1-press/temp")
        {
            var pub = clients.MosquittoPub("-d", "-V", "mqttv5", "-u", user, "-P", password, "-q", "1", "-t", topic, "-m", "21.5");
            await pub.WaitForExitAsync(Deadline);
            return pub;
        }

        var allowed = await PublishAsync("line1-press", "line1-pw");
        Assert.Equal(0, allowed.ExitCode);
        Assert.Contains(allowed.Transcript.Split('\n'), l => l.Contains("received PUBACK (Mid: 1, RC:16)", StringComparison.Ordinal));
        var denied = await PublishAsync("line1-press", "line1-pw", "plant/line2/oven/temp");
        Assert.Contains(denied.Transcript.Split('\n'), l => l.Contains("received PUBACK (Mid: 1, RC:135)", StringComparison.Ordinal));
        Assert.Equal(0x86, (await PublishAsync("line1-press", "guess")).ExitCode);
        Assert.Equal(0x87, (await PublishAsync("' OR '1'='1", "line1-pw")).ExitCode);
        Assert.Equal(0x87, (await PublishAsync("x'; DROP TABLE mqtt_user; --", "line1-pw")).ExitCode);
        Assert.Equal(1L, await database.ScalarAsync("SELECT count(*) FROM mqtt_user"));
    }

    [InteropFact(Tools.MosquittoPub, OursOnly = true, OwnBroker = true)]
    public async Task An_http_service_decides_and_one_that_fails_leaves_the_client_to_the_next_step()
    {
        await using var service = new AuthService();
        await service.InitializeAsync();
        service.Reset(async context =>
        {
            var request = await JsonSerializer.DeserializeAsync<Dictionary<string, string>>(context.Request.Body, cancellationToken: context.RequestAborted);
            var (user, password) = (request!["username"], request["password"]);
            if (user == "flaky")
            {
                context.Response.StatusCode = 500;
                return;
            }

            context.Response.ContentType = "application/json";
            var result = password == "s3cret" ? "allow" : user == "historian" ? "deny" : "ignore";
            await context.Response.WriteAsync($$"""{"result": "{{result}}", "is_superuser": false}""", context.RequestAborted);
        });
        await using var broker = await StartAsync($$"""{ backend = http, url = "{{service.Url("/mqtt/auth")}}", request_timeout = 2s }""");
        using var clients = new Clients(output, broker.Endpoint);

        async Task<int> PublishAsync(string user, string password, string version = "mqttv5") =>
            await clients.MosquittoPub("-V", version, "-u", user, "-P", password, "-t", "plant/historian/in", "-m", "x").WaitForExitAsync(Deadline);

        Assert.Equal(0, await PublishAsync("historian", "s3cret"));
        Assert.Equal(0x86, await PublishAsync("historian", "guess"));
        Assert.Equal(4, await PublishAsync("historian", "guess", "mqttv311"));
        Assert.Equal(0x87, await PublishAsync("visitor", "guess"));
        Assert.Equal(0x87, await PublishAsync("flaky", "s3cret"));
        Assert.Contains(service.Received, r => r.Target == "/mqtt/auth" && r.Method == "POST");
    }
}
