using Broker.Core.Security.Authentication.Http;
using Broker.Core.Security.Http;
using Broker.Core.Security.Authentication;
using Broker.Tests;
using static Broker.Host.Tests.Security.HttpAuthClients;

namespace Broker.Host.Tests.Security;

/// <summary>How the service's answers are read (EMQX 5's emqx_authn_http): a real service on Kestrel.</summary>
public sealed class HttpAuthenticatorAnswerTests : IClassFixture<AuthService>
{
    private readonly AuthService _service;

    public HttpAuthenticatorAnswerTests(AuthService service) => _service = service;

    private async Task<AuthenticationResult> AnswerFor(Func<Microsoft.AspNetCore.Http.HttpContext, Task> respond)
    {
        _service.Reset(respond);
        using var authenticator = new HttpAuthenticator(new HttpAuthenticatorSettings { Url = _service.Url("/auth") });
        return await authenticator.AuthenticateAsync(Connect("alice", "secret"), CancellationToken.None);
    }

    [Theory]
    [InlineData("""{"result": "allow"}""", AuthenticationVerdict.Allow, false)]
    [InlineData("""{"result": "allow", "is_superuser": true}""", AuthenticationVerdict.Allow, true)]
    [InlineData("""{"result": "allow", "is_superuser": "true"}""", AuthenticationVerdict.Allow, true)]
    [InlineData("""{"result": "allow", "is_superuser": 1}""", AuthenticationVerdict.Allow, true)]
    [InlineData("""{"result": "allow", "is_superuser": "1"}""", AuthenticationVerdict.Allow, true)]
    [InlineData("""{"result": "allow", "is_superuser": false}""", AuthenticationVerdict.Allow, false)]
    [InlineData("""{"result": "allow", "is_superuser": "yes"}""", AuthenticationVerdict.Allow, false)]
    [InlineData("""{"result": "allow", "is_superuser": 0}""", AuthenticationVerdict.Allow, false)]
    [InlineData("""{"result": "deny", "is_superuser": true}""", AuthenticationVerdict.Deny, false)]
    [InlineData("""{"result": "ignore"}""", AuthenticationVerdict.Ignore, false)]
    [InlineData("""{"is_superuser": true}""", AuthenticationVerdict.Ignore, false)]
    public async Task A_200_with_a_JSON_result_is_that_verdict(string body, AuthenticationVerdict verdict, bool superuser)
    {
        var result = await AnswerFor(AuthService.Answer(200, body));
        Assert.Equal(verdict, result.Verdict);
        Assert.Equal(superuser, result.IsSuperuser);
    }

    [Fact]
    public async Task A_200_with_a_form_result_is_read_like_JSON()
    {
        var result = await AnswerFor(AuthService.Answer(200, "result=allow&is_superuser=true", "application/x-www-form-urlencoded"));
        Assert.Equal(AuthenticationVerdict.Allow, result.Verdict);
        Assert.True(result.IsSuperuser);
    }

    [Fact]
    public async Task A_204_allows_without_superuser()
    {
        var result = await AnswerFor(AuthService.Answer(204));
        Assert.Equal(AuthenticationVerdict.Allow, result.Verdict);
        Assert.False(result.IsSuperuser);
    }

    [Fact]
    public async Task An_allow_with_an_acl_brings_the_clients_own_rules()
    {
        var result = await AnswerFor(AuthService.Answer(200, """{"result": "allow", "acl": [{"permission": "deny", "action": "publish", "topic": "plant/+/commands/#"}]}"""));

        Assert.Equal(AuthenticationVerdict.Allow, result.Verdict);
        var client = new Core.Security.ClientInfo { ClientId = "tool-1" };
        Assert.Equal(Core.Security.Authorization.AclDecision.Deny, result.Acl!.Check(client, Core.Security.Authorization.AclAction.Publish, "plant/line1/commands/stop", Mqtt.QualityOfService.AtLeastOnce, false));
        Assert.Equal(Core.Security.Authorization.AclDecision.NoMatch, result.Acl.Check(client, Core.Security.Authorization.AclAction.Publish, "plant/line1/temp", Mqtt.QualityOfService.AtLeastOnce, false));
    }

    [Fact]
    public async Task An_acl_that_does_not_read_fails_the_answer_rather_than_granting_more_than_the_service_meant()
    {
        var failure = await Assert.ThrowsAsync<HttpServiceException>(() => AnswerFor(AuthService.Answer(200, """{"result": "allow", "acl": [{"permission": "maybe"}]}""")));
        Assert.Contains("acl", failure.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(500, """{"result": "allow"}""", "application/json", "status 500")]
    [InlineData(403, """{"result": "deny"}""", "application/json", "status 403")]
    [InlineData(404, null, "application/json", "status 404")]
    [InlineData(201, """{"result": "allow"}""", "application/json", "status 201")]
    [InlineData(302, null, "application/json", "status 302")]
    [InlineData(200, """{"result": "allow""", "application/json", "invalid JSON body")]
    [InlineData(200, """["allow"]""", "application/json", "not an object")]
    [InlineData(200, """{"result": "maybe"}""", "application/json", "result maybe")]
    [InlineData(200, """{"result": true}""", "application/json", "result (not a string)")]
    [InlineData(200, "allow", "text/plain", "content type text/plain")]
    public async Task Any_other_answer_is_the_service_failing(int status, string? body, string contentType, string reason)
    {
        var failure = await Assert.ThrowsAsync<HttpServiceException>(async () => await AnswerFor(AuthService.Answer(status, body, contentType)));
        Assert.Contains(reason, failure.Message, StringComparison.Ordinal);
        Assert.StartsWith($"POST {_service.Url("/auth")}: ", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task In_the_chain_a_failing_service_counts_as_the_steps_on_failure_verdict_and_the_password_stays_out_of_it()
    {
        _service.Reset(AuthService.Answer(500, "oops"));
        using var authenticator = new HttpAuthenticator(new HttpAuthenticatorSettings { Url = _service.Url("/auth?p=${password}") });

        var ignoring = new AuthenticationChain([new AuthenticationStep(authenticator, TimeSpan.FromSeconds(5))]);
        var ignored = await ignoring.AuthenticateAsync(Connect("alice", "hunter2"), CancellationToken.None);
        Assert.False(ignored.Allowed);
        Assert.False(ignored.BadCredentials);
        Assert.Contains("ignored by password_based:http (failed: ", ignored.Detail, StringComparison.Ordinal);
        Assert.Contains("status 500", ignored.Detail, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", ignored.Detail, StringComparison.Ordinal);

        var denying = new AuthenticationChain([new AuthenticationStep(authenticator, TimeSpan.FromSeconds(5), AuthenticationVerdict.Deny)]);
        var denied = await denying.AuthenticateAsync(Connect("alice", "hunter2"), CancellationToken.None);
        Assert.True(denied.BadCredentials);
        Assert.DoesNotContain("hunter2", denied.Detail, StringComparison.Ordinal);
    }
}
