using System.Net;
using System.Text;
using System.Text.Json;
using Broker.Core.Security;
using Broker.Core.Security.Authorization;
using Broker.Core.Security.Authorization.Http;
using Broker.Core.Security.Http;
using Broker.Mqtt;
using Broker.Tests;

namespace Broker.Core.Tests.Security.Http;

/// <summary>What the authorization service receives for a check, byte for byte, for ordinary and hostile values.</summary>
public sealed class HttpAuthorizationRequestTests : IClassFixture<AuthService>
{
    private const string Hostile = "a\"b&c=d/../e f?+%é";

    private static readonly ClientInfo Press = new()
    {
        ClientId = "press-7",
        Username = "line1",
        PeerHost = IPAddress.Parse("10.1.2.3"),
        CertCommonName = "press-7.plant",
        CertSubject = "CN=press-7.plant, O=Plant",
    };

    private readonly AuthService _service;

    public HttpAuthorizationRequestTests(AuthService service)
    {
        _service = service;
        _service.Reset(AuthService.Answer(200, """{"result": "allow"}"""));
    }

    private async Task<ReceivedRequest> Check(HttpAuthorizationSettings settings, AclAction action, string topic, QualityOfService qos = QualityOfService.AtLeastOnce, bool retain = false)
    {
        using var source = new HttpAuthorizationSource(settings);
        Assert.Equal(AclDecision.Allow, await source.CheckAsync(Press, action, topic, qos, retain, CancellationToken.None));
        return Assert.Single(_service.Received);
    }

    [Fact]
    public async Task By_default_a_POST_sends_an_empty_JSON_object_with_EMQXs_headers()
    {
        var received = await Check(new HttpAuthorizationSettings { Url = _service.Url("/authz") }, AclAction.Publish, "plant/line1/temp");

        Assert.Equal(("POST", "/authz"), (received.Method, received.Target));
        Assert.Equal("application/json", received.Headers["content-type"]);
        Assert.Equal("application/json", received.Headers["accept"]);
        Assert.Equal("no-cache", received.Headers["cache-control"]);
        Assert.Equal("{}", Encoding.UTF8.GetString(received.Body));
    }

    [Fact]
    public async Task Every_placeholder_goes_into_a_JSON_body_as_a_JSON_string()
    {
        var body = new Dictionary<string, string>
        {
            ["username"] = "${username}", ["clientid"] = "${clientid}", ["peerhost"] = "${peerhost}",
            ["cn"] = "${cert_common_name}", ["dn"] = "${cert_subject}", ["topic"] = "${topic}", ["action"] = "${action}",
            ["qos"] = "${qos}", ["retain"] = "${retain}", ["access"] = "${access}", ["literal"] = "${password} costs ${$}1",
        };

        var received = await Check(new HttpAuthorizationSettings { Url = _service.Url("/authz"), Body = body }, AclAction.Publish, Hostile, QualityOfService.ExactlyOnce, retain: true);

        var fields = JsonSerializer.Deserialize<Dictionary<string, string>>(received.Body)!;
        Assert.Equal("line1", fields["username"]);
        Assert.Equal("press-7", fields["clientid"]);
        Assert.Equal("10.1.2.3", fields["peerhost"]);
        Assert.Equal(("press-7.plant", "CN=press-7.plant, O=Plant"), (fields["cn"], fields["dn"]));
        Assert.Equal((Hostile, "publish", "2", "true", "2"), (fields["topic"], fields["action"], fields["qos"], fields["retain"], fields["access"]));
        // A password is no value of an authorization request: the placeholder stays as written, as in EMQX.
        Assert.Equal("${password} costs $1", fields["literal"]);
    }

    [Fact]
    public async Task Values_in_the_path_and_query_are_percent_encoded_so_a_topic_stays_one_value()
    {
        var settings = new HttpAuthorizationSettings { Url = _service.Url("/authz/${clientid}/${action}?topic=${topic}&qos=${qos}&retain=${retain}") };

        var received = await Check(settings, AclAction.Subscribe, Hostile, QualityOfService.AtMostOnce);

        Assert.Equal("/authz/press-7/subscribe?topic=a%22b%26c%3Dd%2F..%2Fe%20f%3F%2B%25%C3%A9&qos=0&retain=false", received.Target);
    }

    [Fact]
    public async Task A_GET_puts_the_body_fields_after_the_query_and_sends_no_body()
    {
        var settings = new HttpAuthorizationSettings
        {
            Url = _service.Url("/authz?source=mqtt"),
            Method = HttpAuthMethod.Get,
            Body = new Dictionary<string, string> { ["t"] = "${topic}", ["a"] = "${access}" },
        };

        var received = await Check(settings, AclAction.Subscribe, "plant/+/alarms");

        Assert.Equal(("GET", "/authz?source=mqtt&t=plant%2F%2B%2Falarms&a=1"), (received.Method, received.Target));
        Assert.Empty(received.Body);
        Assert.False(received.Headers.ContainsKey("content-type"));
    }

    [Fact]
    public async Task A_form_content_type_sends_the_body_form_encoded_and_headers_carry_values()
    {
        var settings = new HttpAuthorizationSettings
        {
            Url = _service.Url("/authz"),
            Headers = new Dictionary<string, string> { ["Content-Type"] = "application/x-www-form-urlencoded", ["X-Client"] = "${clientid}" },
            Body = new Dictionary<string, string> { ["topic"] = "${topic}" },
        };

        var received = await Check(settings, AclAction.Publish, "a b&c");

        Assert.Equal("application/x-www-form-urlencoded", received.Headers["content-type"]);
        Assert.Equal("press-7", received.Headers["x-client"]);
        Assert.Equal("topic=a%20b%26c", Encoding.ASCII.GetString(received.Body));
    }

    [Theory]
    [InlineData("${peerport}")]
    [InlineData("${client_attrs.site}")]
    public void A_placeholder_this_broker_cannot_fill_is_refused_when_configured(string placeholder)
    {
        var error = Assert.Throws<ArgumentException>(() => new HttpAuthorizationSource(new HttpAuthorizationSettings { Url = _service.Url("/authz/" + placeholder) }));
        Assert.Contains("is not supported by this broker", error.Message, StringComparison.Ordinal);
    }
}
