using Broker.Core.Security;
using Broker.Core.Security.Authorization;
using Broker.Core.Security.Authorization.Http;
using Broker.Core.Security.Http;
using Broker.Mqtt;
using Broker.Tests;
using Microsoft.AspNetCore.Http;

namespace Broker.Core.Tests.Security.Http;

/// <summary>What the service's answers mean (EMQX's <c>emqx_authz_http:authorize/4</c>), and how a failing service is passed over.</summary>
public sealed class HttpAuthorizationAnswerTests : IClassFixture<AuthService>
{
    private static readonly ClientInfo Press = new() { ClientId = "press-7", Username = "line1" };

    private readonly AuthService _service;

    public HttpAuthorizationAnswerTests(AuthService service) => _service = service;

    private async Task<AclDecision> AnswerFor(Func<HttpContext, Task> respond)
    {
        _service.Reset(respond);
        using var source = new HttpAuthorizationSource(new HttpAuthorizationSettings { Url = _service.Url("/authz") });
        return await source.CheckAsync(Press, AclAction.Publish, "plant/line1/temp", QualityOfService.AtMostOnce, false, CancellationToken.None);
    }

    [Theory]
    [InlineData(200, """{"result": "allow"}""", "application/json", AclDecision.Allow)]
    [InlineData(200, """{"result": "deny"}""", "application/json; charset=utf-8", AclDecision.Deny)]
    [InlineData(200, """{"result": "ignore"}""", "application/json", AclDecision.NoMatch)]
    [InlineData(200, "result=deny", "application/x-www-form-urlencoded", AclDecision.Deny)]
    [InlineData(204, null, "application/json", AclDecision.Allow)]
    public async Task The_service_allows_denies_or_ignores(int status, string? body, string contentType, AclDecision expected) =>
        Assert.Equal(expected, await AnswerFor(AuthService.Answer(status, body, contentType)));

    [Fact]
    public async Task A_200_without_a_content_type_is_read_as_JSON_as_EMQX_does()
    {
        var decision = await AnswerFor(async context =>
        {
            context.Response.StatusCode = 200;
            await context.Response.Body.WriteAsync("""{"result": "deny"}"""u8.ToArray(), context.RequestAborted);
        });

        Assert.Equal(AclDecision.Deny, decision);
    }

    [Theory]
    [InlineData(500, """{"result": "allow"}""", "application/json", "status 500")]
    [InlineData(403, null, "application/json", "status 403")]
    [InlineData(200, """{"result": "maybe"}""", "application/json", "result maybe")]
    [InlineData(200, """{"result": true}""", "application/json", "result (none, or not a string)")]
    [InlineData(200, """{}""", "application/json", "result (none, or not a string)")]
    [InlineData(200, "{", "application/json", "invalid JSON body")]
    [InlineData(200, "allow", "text/plain", "status 200 with content type text/plain")]
    public async Task Any_other_answer_is_the_service_failing_and_names_its_url(int status, string? body, string contentType, string why)
    {
        var failure = await Assert.ThrowsAsync<HttpServiceException>(async () => await AnswerFor(AuthService.Answer(status, body, contentType)));

        Assert.StartsWith($"POST {_service.Url("/authz")}: {why}", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_service_too_slow_is_cut_off_at_the_request_timeout()
    {
        // Never answers: the request ends when the source gives up, which aborts it here.
        _service.Reset(context => Task.Delay(Timeout.Infinite, context.RequestAborted));
        using var source = new HttpAuthorizationSource(new HttpAuthorizationSettings { Url = _service.Url("/authz"), RequestTimeout = TimeSpan.FromMilliseconds(150) });

        var failure = await Assert.ThrowsAsync<HttpServiceException>(async () =>
            await source.CheckAsync(Press, AclAction.Subscribe, "#", QualityOfService.AtMostOnce, false, CancellationToken.None));

        Assert.Equal($"POST {_service.Url("/authz")}: no answer within 150 ms", failure.Message);
    }

    [Fact]
    public async Task The_callers_cancellation_is_passed_on_as_cancellation()
    {
        _service.Reset(context => Task.Delay(Timeout.Infinite, context.RequestAborted));
        using var source = new HttpAuthorizationSource(new HttpAuthorizationSettings { Url = _service.Url("/authz") });
        using var gone = new CancellationTokenSource();
        var check = source.CheckAsync(Press, AclAction.Subscribe, "#", QualityOfService.AtMostOnce, false, gone.Token).AsTask();

        await gone.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => check);
    }

    [Fact]
    public void The_default_request_timeout_and_pool_are_EMQXs()
    {
        var settings = new HttpAuthorizationSettings { Url = "http://authz.local/" };

        Assert.Equal((TimeSpan.FromSeconds(30), 8, HttpAuthMethod.Post), (settings.RequestTimeout, settings.PoolSize, settings.Method));
    }
}
