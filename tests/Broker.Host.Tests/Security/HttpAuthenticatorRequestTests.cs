using System.Net;
using System.Text.Json;
using System.Text;
using Broker.Core.Security.Authentication.Http;
using Broker.Core.Security.Http;
using Broker.Core.Security.Authentication;
using Broker.Core.Security;
using Broker.Tests;
using static Broker.Host.Tests.Security.HttpAuthClients;

namespace Broker.Host.Tests.Security;

/// <summary>What the service receives, byte for byte, for ordinary and hostile values.</summary>
public sealed class HttpAuthenticatorRequestTests : IClassFixture<AuthService>
{
    private const string Hostile = "a\"b&c=d/../e\nf ?#+%é";

    private readonly AuthService _service;

    public HttpAuthenticatorRequestTests(AuthService service)
    {
        _service = service;
        _service.Reset(AuthService.Answer(200, """{"result": "allow"}"""));
    }

    private async Task<ReceivedRequest> Send(HttpAuthenticatorSettings settings, Credentials credentials)
    {
        using var authenticator = new HttpAuthenticator(settings);
        var result = await authenticator.AuthenticateAsync(credentials, CancellationToken.None);
        Assert.Equal(AuthenticationVerdict.Allow, result.Verdict);
        return Assert.Single(_service.Received);
    }

    private static Dictionary<string, string> JsonObject(byte[] body) =>
        JsonSerializer.Deserialize<Dictionary<string, string>>(body)!;

    private static Dictionary<string, string> Form(string text) => text.Split('&')
        .Select(field => field.Split('='))
        .ToDictionary(pair => Uri.UnescapeDataString(pair[0]), pair => Uri.UnescapeDataString(pair[1].Replace('+', ' ')));

    [Fact]
    public async Task By_default_a_POST_carries_username_and_password_as_JSON()
    {
        var received = await Send(new HttpAuthenticatorSettings { Url = _service.Url("/auth") }, Connect("alice", "secret"));

        Assert.Equal("POST", received.Method);
        Assert.Equal("/auth", received.Target);
        Assert.Equal("application/json", received.Headers["content-type"]);
        Assert.Equal("application/json", received.Headers["accept"]);
        Assert.Equal("""{"username":"alice","password":"secret"}""", Encoding.UTF8.GetString(received.Body));
    }

    [Fact]
    public async Task A_GET_puts_the_body_fields_after_the_query_of_the_url_and_sends_no_body()
    {
        var settings = new HttpAuthenticatorSettings
        {
            Url = _service.Url("/auth?source=mqtt+broker"),
            Method = HttpAuthMethod.Get,
            Body = new Dictionary<string, string> { ["u"] = "${username}", ["c"] = "${clientid}" },
        };

        var received = await Send(settings, Connect("alice", "secret"));

        Assert.Equal("GET", received.Method);
        Assert.Equal("/auth?source=mqtt%20broker&u=alice&c=press-7", received.Target);
        Assert.Empty(received.Body);
        Assert.False(received.Headers.ContainsKey("content-type"));
    }

    [Fact]
    public async Task A_form_content_type_sends_the_body_form_encoded()
    {
        var settings = new HttpAuthenticatorSettings
        {
            Url = _service.Url("/auth"),
            Headers = new Dictionary<string, string> { ["Content-Type"] = "application/x-www-form-urlencoded" },
        };

        var received = await Send(settings, Connect(Hostile, "p&w=1"));

        Assert.Equal("application/x-www-form-urlencoded", received.Headers["content-type"]);
        var body = Encoding.ASCII.GetString(received.Body);
        Assert.Equal("username=a%22b%26c%3Dd%2F..%2Fe%0Af%20%3F%23%2B%25%C3%A9&password=p%26w%3D1", body);
        Assert.Equal(new Dictionary<string, string> { ["username"] = Hostile, ["password"] = "p&w=1" }, Form(body));
    }

    [Fact]
    public async Task Hostile_values_stay_data_in_the_path_the_query_and_the_JSON_body()
    {
        var settings = new HttpAuthenticatorSettings
        {
            Url = _service.Url("/users/${username}/auth?client=${clientid}"),
            Body = new Dictionary<string, string> { ["username"] = "${username}", ["client"] = "id:${clientid}" },
        };

        var received = await Send(settings, Connect(Hostile, "x", clientId: "../admin?x=1#"));

        Assert.Equal("/users/a%22b%26c%3Dd%2F..%2Fe%0Af%20%3F%23%2B%25%C3%A9/auth?client=..%2Fadmin%3Fx%3D1%23", received.Target);
        Assert.Equal(new Dictionary<string, string> { ["username"] = Hostile, ["client"] = "id:../admin?x=1#" }, JsonObject(received.Body));
    }

    [Fact]
    public async Task Every_placeholder_is_filled_and_a_missing_value_is_empty()
    {
        var settings = new HttpAuthenticatorSettings
        {
            Url = _service.Url("/auth"),
            Method = HttpAuthMethod.Get,
            Headers = new Dictionary<string, string> { ["x-client"] = "${clientid} from ${peerhost}" },
            Body = new Dictionary<string, string>
            {
                ["u"] = "${username}", ["c"] = "${clientid}", ["p"] = "${password}", ["h"] = "${peerhost}",
                ["cn"] = "${cert_common_name}", ["dn"] = "${cert_subject}", ["literal"] = "${$}{username} ${unknown}",
            },
        };
        var client = new ClientInfo
        {
            ClientId = "press-7", PeerHost = IPAddress.Parse("10.0.0.9").MapToIPv6(), CertCommonName = "press-7.plant", CertSubject = "CN=press-7.plant,O=Plant",
        };

        var received = await Send(settings, new Credentials(client, null));

        Assert.Equal("/auth?u=&c=press-7&p=&h=10.0.0.9&cn=press-7.plant&dn=CN%3Dpress-7.plant%2CO%3DPlant&literal=%24%7Busername%7D%20%24%7Bunknown%7D", received.Target);
        Assert.Equal("press-7 from 10.0.0.9", received.Headers["x-client"]);
    }

    [Fact]
    public async Task A_header_value_gets_the_value_as_it_is_when_it_holds_no_line_break()
    {
        var settings = new HttpAuthenticatorSettings
        {
            Url = _service.Url("/auth"),
            Headers = new Dictionary<string, string> { ["X-User"] = "user ${username}", ["Authorization"] = "Bearer s3cr3t" },
        };

        var received = await Send(settings, Connect("Zoë \"the\" admin; x=1", "pw"));

        Assert.Equal("user Zoë \"the\" admin; x=1", received.Headers["x-user"]);
        Assert.Equal("Bearer s3cr3t", received.Headers["authorization"]);
        Assert.Equal("application/json", received.Headers["content-type"]);
    }

    [Theory]
    [InlineData("bob\r\nx-admin: 1")]
    [InlineData("bob\nx-admin: 1")]
    [InlineData("bob\rx")]
    [InlineData("bob\0")]
    public async Task A_value_that_would_split_a_header_fails_the_request_before_it_is_sent(string username)
    {
        var settings = new HttpAuthenticatorSettings
        {
            Url = _service.Url("/auth"),
            Headers = new Dictionary<string, string> { ["x-user"] = "${username}" },
        };
        using var authenticator = new HttpAuthenticator(settings);

        var failure = await Assert.ThrowsAsync<HttpServiceException>(async () => await authenticator.AuthenticateAsync(Connect(username, "pw"), CancellationToken.None));

        Assert.Contains("header x-user", failure.Message, StringComparison.Ordinal);
        Assert.Empty(_service.Received);
    }

    [Theory]
    [InlineData("..")]
    [InlineData(".")]
    public async Task A_value_that_would_be_a_dot_segment_of_the_path_fails_the_request_before_it_is_sent(string username)
    {
        using var authenticator = new HttpAuthenticator(new HttpAuthenticatorSettings { Url = _service.Url("/users/${username}/auth") });

        var failure = await Assert.ThrowsAsync<HttpServiceException>(async () => await authenticator.AuthenticateAsync(Connect(username, "pw"), CancellationToken.None));

        Assert.Contains("dot segment", failure.Message, StringComparison.Ordinal);
        Assert.Empty(_service.Received);
    }

    [Fact]
    public async Task A_password_that_is_not_UTF8_travels_as_its_bytes_in_a_query_but_cannot_be_JSON()
    {
        byte[] password = [0xFF, 0x00, 0x41];
        var get = new HttpAuthenticatorSettings { Url = _service.Url("/auth"), Method = HttpAuthMethod.Get };
        var received = await Send(get, Connect("alice", password));
        Assert.Equal("/auth?username=alice&password=%FF%00A", received.Target);

        using var post = new HttpAuthenticator(new HttpAuthenticatorSettings { Url = _service.Url("/auth") });
        var failure = await Assert.ThrowsAsync<HttpServiceException>(async () => await post.AuthenticateAsync(Connect("alice", password), CancellationToken.None));
        Assert.Contains("not UTF-8", failure.Message, StringComparison.Ordinal);
        Assert.Single(_service.Received);
    }

    [Fact]
    public async Task No_more_connections_than_the_pool_size_are_opened()
    {
        var inFlight = 0;
        var most = 0;
        _service.Reset(async context =>
        {
            var now = Interlocked.Increment(ref inFlight);
            InterlockedMax(ref most, now);
            await Task.Delay(40, context.RequestAborted);
            Interlocked.Decrement(ref inFlight);
            await AuthService.Answer(204)(context);
        });
        using var authenticator = new HttpAuthenticator(new HttpAuthenticatorSettings { Url = _service.Url("/auth"), PoolSize = 2 });

        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => authenticator.AuthenticateAsync(Connect($"user-{i}", "pw"), CancellationToken.None).AsTask()));

        Assert.All(results, result => Assert.Equal(AuthenticationVerdict.Allow, result.Verdict));
        Assert.Equal(8, _service.Received.Count);
        Assert.Equal(2, _service.Received.Select(request => request.ConnectionId).Distinct().Count());
        Assert.Equal(2, most);
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int seen;
        while ((seen = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, seen) != seen)
        {
        }
    }
}
