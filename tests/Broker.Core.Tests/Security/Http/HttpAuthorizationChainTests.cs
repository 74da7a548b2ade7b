using Broker.Core.Security;
using Broker.Core.Security.Authorization;
using Broker.Core.Security.Authorization.Http;
using Broker.Mqtt;
using Broker.Tests;
using Microsoft.AspNetCore.Http;

namespace Broker.Core.Tests.Security.Http;

/// <summary>
/// The http source among the others: a client's check answered at once when the cache or a source before it decides,
/// waited for otherwise, its decision cached; a failing service passed over for the next source or no_match.
/// </summary>
public sealed class HttpAuthorizationChainTests : IClassFixture<AuthService>, IDisposable
{
    private static readonly ClientInfo Press = new() { ClientId = "press-7", Username = "line1" };

    private readonly AuthService _service;
    private readonly HttpAuthorizationSource _http;

    public HttpAuthorizationChainTests(AuthService service)
    {
        _service = service;
        // The service allows plant/line1/..., ignores unknown/..., denies the rest.
        _service.Reset(DecideByTopic);
        _http = new HttpAuthorizationSource(new HttpAuthorizationSettings
        {
            Url = _service.Url("/authz"),
            Body = new Dictionary<string, string> { ["topic"] = "${topic}" },
            RequestTimeout = TimeSpan.FromSeconds(5),
        });
    }

    public void Dispose() => _http.Dispose();

    private static async Task DecideByTopic(HttpContext context)
    {
        using var reader = new StreamReader(context.Request.Body);
        var body = await reader.ReadToEndAsync(context.RequestAborted);
        var result = body.Contains("plant/line1/", StringComparison.Ordinal) ? "allow" : body.Contains("unknown/", StringComparison.Ordinal) ? "ignore" : "deny";
        await AuthService.Answer(200, $$"""{"result": "{{result}}"}""")(context);
    }

    private ClientAuthorization Client(AclDecision noMatch, params IAsyncAuthorizationSource[] sources) =>
        new Authorizer(sources, noMatch, AuthorizationCacheOptions.Default, TimeProvider.System).ForClient(Press);

    [Fact]
    public async Task A_check_the_cache_cannot_answer_waits_for_the_service_and_is_cached()
    {
        var client = Client(AclDecision.Allow, _http);

        Assert.Null(client.Authorize(AclAction.Publish, "plant/line1/temp", QualityOfService.AtMostOnce, false));
        var answer = await client.AuthorizeAsync(AclAction.Publish, "plant/line1/temp", QualityOfService.AtMostOnce, false, CancellationToken.None);

        Assert.Equal(new AuthorizationAnswer(AclDecision.Allow, null), answer);
        Assert.Equal(AclDecision.Allow, client.Authorize(AclAction.Publish, "plant/line1/temp", QualityOfService.AtMostOnce, false));
        Assert.Equal(AclDecision.Deny, (await client.AuthorizeAsync(AclAction.Subscribe, "plant/#", QualityOfService.AtMostOnce, false, CancellationToken.None)).Decision);
        Assert.Equal(AclDecision.Deny, client.Authorize(AclAction.Subscribe, "plant/#", QualityOfService.AtMostOnce, false));
        Assert.Equal(2, _service.Received.Count);
    }

    [Fact]
    public async Task A_source_before_it_that_decides_answers_at_once_and_the_service_is_not_asked()
    {
        var file = AclFile.Parse("""{deny, all, publish, ["plant/line1/secret"]}.""", "acl.conf");
        var client = Client(AclDecision.Allow, file, _http);

        Assert.Equal(AclDecision.Deny, client.Authorize(AclAction.Publish, "plant/line1/secret", QualityOfService.AtMostOnce, false));
        Assert.Null(client.Authorize(AclAction.Publish, "plant/line1/other", QualityOfService.AtMostOnce, false));
        Assert.Equal(AclDecision.Allow, (await client.AuthorizeAsync(AclAction.Publish, "plant/line1/other", QualityOfService.AtMostOnce, false, CancellationToken.None)).Decision);
        Assert.Single(_service.Received);
    }

    [Fact]
    public async Task Ignore_passes_on_to_the_next_source_then_no_match()
    {
        var file = AclFile.Parse("""{allow, all, publish, ["unknown/open"]}.""", "acl.conf");
        var client = Client(AclDecision.Deny, _http, file);

        Assert.Equal(new AuthorizationAnswer(AclDecision.Allow, null), await client.AuthorizeAsync(AclAction.Publish, "unknown/open", QualityOfService.AtMostOnce, false, CancellationToken.None));
        Assert.Equal(new AuthorizationAnswer(AclDecision.Deny, null), await client.AuthorizeAsync(AclAction.Publish, "unknown/other", QualityOfService.AtMostOnce, false, CancellationToken.None));
    }

    [Theory]
    [InlineData(AclDecision.Allow)]
    [InlineData(AclDecision.Deny)]
    public async Task A_failing_service_is_passed_over_and_named_and_no_match_decides(AclDecision noMatch)
    {
        _service.Reset(AuthService.Answer(500));
        var client = Client(noMatch, _http);

        var answer = await client.AuthorizeAsync(AclAction.Publish, "plant/line1/temp", QualityOfService.AtMostOnce, false, CancellationToken.None);

        Assert.Equal(noMatch, answer.Decision);
        Assert.Equal($"POST {_service.Url("/authz")}: status 500", answer.Failure);
    }

    [Fact]
    public async Task A_superuser_and_the_rules_a_client_brought_decide_before_the_service()
    {
        var authorizer = new Authorizer([_http], AclDecision.Deny, AuthorizationCacheOptions.Default, TimeProvider.System);
        var own = AclFile.Parse("""{allow, all, publish, ["mine/#"]}.""", "jwt-acl");

        Assert.Equal(AclDecision.Allow, authorizer.ForClient(Press with { IsSuperuser = true }).Authorize(AclAction.Subscribe, "#", QualityOfService.AtMostOnce, false));
        Assert.Equal(AclDecision.Allow, authorizer.ForClient(Press with { Acl = own }).Authorize(AclAction.Publish, "mine/1", QualityOfService.AtMostOnce, false));
        Assert.Equal(AclDecision.Allow, await authorizer.CheckAsync(Press with { IsSuperuser = true }, AclAction.Subscribe, "#", QualityOfService.AtMostOnce, false, CancellationToken.None));
        Assert.Empty(_service.Received);
    }
}
