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
