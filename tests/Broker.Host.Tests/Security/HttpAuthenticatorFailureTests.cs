using System.Diagnostics;
using Broker.Core.Security.Authentication.Http;
using Broker.Core.Security.Http;
using Broker.Core.Security.Authentication;
using Broker.Tests;
using static Broker.Host.Tests.Security.HttpAuthClients;

namespace Broker.Host.Tests.Security;

/// <summary>A slow, absent or misconfigured service: bounded in time, no thread held, nothing leaked.</summary>
public sealed class HttpAuthenticatorFailureTests : IClassFixture<AuthService>
{
    private readonly AuthService _service;

    public HttpAuthenticatorFailureTests(AuthService service)
    {
        _service = service;
        // Never answers: the request ends when the client gives up, which aborts it here.
        _service.Reset(context => Task.Delay(Timeout.Infinite, context.RequestAborted));
    }

    [Fact]
    public async Task A_slow_service_is_cut_off_by_the_chains_timeout()
    {
        using var authenticator = new HttpAuthenticator(new HttpAuthenticatorSettings { Url = _service.Url("/auth") });
        var chain = new AuthenticationChain([new AuthenticationStep(authenticator, TimeSpan.FromMilliseconds(200))]);
        var clock = Stopwatch.StartNew();

        var outcome = await chain.AuthenticateAsync(Connect("alice", "secret"), CancellationToken.None);

        Assert.False(outcome.Allowed);
        Assert.Contains("password_based:http (no answer within 200 ms)", outcome.Detail, StringComparison.Ordinal);
        Assert.InRange(clock.Elapsed, TimeSpan.FromMilliseconds(150), TimeSpan.FromSeconds(2));
    }

    [Fact]
    public async Task A_slow_service_is_cut_off_by_the_request_timeout_and_counts_as_the_steps_failure_verdict()
    {
        using var authenticator = new HttpAuthenticator(new HttpAuthenticatorSettings { Url = _service.Url("/auth"), RequestTimeout = TimeSpan.FromMilliseconds(150) });
        var chain = new AuthenticationChain([new AuthenticationStep(authenticator, TimeSpan.FromSeconds(10), AuthenticationVerdict.Deny)]);
        var clock = Stopwatch.StartNew();

        var outcome = await chain.AuthenticateAsync(Connect("alice", "secret"), CancellationToken.None);

        Assert.True(outcome.BadCredentials);
        Assert.Contains($"denied by password_based:http: failed: POST {_service.Url("/auth")}: no answer within 150 ms", outcome.Detail, StringComparison.Ordinal);
        Assert.InRange(clock.Elapsed, TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(2));
    }

    [Fact]
    public async Task The_callers_cancellation_is_passed_on_as_cancellation()
    {
        using var authenticator = new HttpAuthenticator(new HttpAuthenticatorSettings { Url = _service.Url("/auth") });
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(100));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await authenticator.AuthenticateAsync(Connect("alice", "secret"), cancel.Token));
    }

    [Fact]
    public async Task A_service_that_is_not_there_is_a_failure_which_the_chain_ignores_by_default()
    {
        var url = $"http://127.0.0.1:{UnassignedPorts.Next()}/auth?p=${{password}}";
        using var authenticator = new HttpAuthenticator(new HttpAuthenticatorSettings { Url = url, Method = HttpAuthMethod.Get });

        var failure = await Assert.ThrowsAsync<HttpServiceException>(async () => await authenticator.AuthenticateAsync(Connect("alice", "hunter2"), CancellationToken.None));
        Assert.StartsWith($"GET {url[..url.IndexOf('?', StringComparison.Ordinal)]}: ", failure.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", failure.Message, StringComparison.Ordinal);

        var chain = new AuthenticationChain([new AuthenticationStep(authenticator, TimeSpan.FromSeconds(5))]);
        var outcome = await chain.AuthenticateAsync(Connect("alice", "hunter2"), CancellationToken.None);
        Assert.False(outcome.Allowed);
        Assert.False(outcome.BadCredentials);
        Assert.Contains("ignored by password_based:http (failed: GET ", outcome.Detail, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", outcome.Detail, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("ftp://127.0.0.1/auth")]
    [InlineData("127.0.0.1/auth")]
    [InlineData("http:///auth")]
    [InlineData("http://user:pw@127.0.0.1/auth")]
    [InlineData("http://${username}.example.com/auth")]
    [InlineData("http://127.0.0.1/auth#part")]
    [InlineData("http://127.0.0.1/auth me")]
    [InlineData("http://127.0.0.1/auth/${peerport}")]
    [InlineData("http://127.0.0.1/auth/${client_attrs.tenant}")]
    public void A_url_that_names_no_fixed_service_or_a_value_this_broker_lacks_is_refused(string url) =>
        Assert.Throws<ArgumentException>(() => new HttpAuthenticator(new HttpAuthenticatorSettings { Url = url }));

    [Fact]
    public void Headers_and_limits_are_checked_when_the_authenticator_is_made()
    {
        const string url = "http://127.0.0.1/auth";
        Assert.Throws<ArgumentException>(() => new HttpAuthenticator(new HttpAuthenticatorSettings
        {
            Url = url, Method = HttpAuthMethod.Get, Headers = new Dictionary<string, string> { ["content-type"] = "application/json" },
        }));
        Assert.Throws<ArgumentException>(() => new HttpAuthenticator(new HttpAuthenticatorSettings
        {
            Url = url, Headers = new Dictionary<string, string> { ["content-type"] = "text/plain" },
        }));
        Assert.Throws<ArgumentException>(() => new HttpAuthenticator(new HttpAuthenticatorSettings
        {
            Url = url, Headers = new Dictionary<string, string> { ["x-a"] = "1\r\nx-b: 2" },
        }));
        Assert.Throws<ArgumentException>(() => new HttpAuthenticator(new HttpAuthenticatorSettings
        {
            Url = url, Headers = new Dictionary<string, string> { ["bad name"] = "1" },
        }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new HttpAuthenticator(new HttpAuthenticatorSettings { Url = url, PoolSize = 0 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new HttpAuthenticator(new HttpAuthenticatorSettings { Url = url, RequestTimeout = TimeSpan.Zero }));
    }
}
