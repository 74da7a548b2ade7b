using System.Security.Cryptography;
using Broker.Actors.TestKit;
using Broker.Core.Security.Authentication;
using Broker.Core.Security.Authentication.Jwt;
using static Broker.Core.Tests.Security.Jwt.TestJwt;

namespace Broker.Core.Tests.Security.Jwt;

public sealed class JwksTests : IDisposable
{
    private const string Claims = """{"sub":"alice"}""";

    private readonly ManualTimeProvider _time = new(Now);
    private readonly JwksTestServer _server = new();
    private readonly RSA _keyA = RSA.Create(2048);
    private readonly RSA _keyB = RSA.Create(2048);
    private readonly ECDsa _keyC = ECDsa.Create(ECCurve.NamedCurves.nistP256);

    public void Dispose()
    {
        _server.Dispose();
        _keyA.Dispose();
        _keyB.Dispose();
        _keyC.Dispose();
    }

    [Fact]
    public async Task Keys_are_fetched_once_and_serve_every_following_connect()
    {
        _server.Serve(JwksTestServer.Jwk("a", _keyA), JwksTestServer.Jwk("c", _keyC));
        using var authenticator = Create();

        var rsa = await authenticator.AuthenticateAsync(Password(Rsa("RS256", _keyA, Claims, kid: "a")), default);
        var ec = await authenticator.AuthenticateAsync(Password(Ec("ES256", _keyC, Claims, kid: "c")), default);
        var noKid = await authenticator.AuthenticateAsync(Password(Rsa("RS256", _keyA, Claims)), default);

        Assert.Equal(AuthenticationVerdict.Allow, rsa.Verdict);
        Assert.Equal(AuthenticationVerdict.Allow, ec.Verdict);
        Assert.Equal(AuthenticationVerdict.Allow, noKid.Verdict);
        Assert.Equal(1, _server.Requests);
    }

    [Fact]
    public async Task A_token_naming_an_unknown_kid_refetches_the_keys_at_most_once_per_interval()
    {
        _server.Serve(JwksTestServer.Jwk("a", _keyA));
        using var authenticator = Create();
        Assert.Equal(AuthenticationVerdict.Allow, (await authenticator.AuthenticateAsync(Password(Rsa("RS256", _keyA, Claims, kid: "a")), default)).Verdict);

        _time.Advance(TimeSpan.FromSeconds(30));
        await authenticator.JwksSettled;
        Assert.Equal(2, _server.Requests);

        _server.Serve(JwksTestServer.Jwk("a", _keyA), JwksTestServer.Jwk("b", _keyB));
        var rotated = await authenticator.AuthenticateAsync(Password(Rsa("RS256", _keyB, Claims, kid: "b")), default);
        Assert.Equal(AuthenticationVerdict.Allow, rotated.Verdict);
        Assert.Equal(3, _server.Requests);

        _server.Serve(JwksTestServer.Jwk("a", _keyA), JwksTestServer.Jwk("b", _keyB), JwksTestServer.Jwk("c", _keyC));
        var tooSoon = await authenticator.AuthenticateAsync(Password(Ec("ES256", _keyC, Claims, kid: "c")), default);
        Assert.Equal(AuthenticationVerdict.Deny, tooSoon.Verdict);
        Assert.Contains("no key with kid 'c'", tooSoon.Detail, StringComparison.Ordinal);
        Assert.Equal(3, _server.Requests);

        _time.Advance(TimeSpan.FromSeconds(30));
        var later = await authenticator.AuthenticateAsync(Password(Ec("ES256", _keyC, Claims, kid: "c")), default);
        Assert.Equal(AuthenticationVerdict.Allow, later.Verdict);
        Assert.Equal(4, _server.Requests);
    }

    [Fact]
    public async Task A_token_signed_by_a_key_the_endpoint_does_not_have_is_denied()
    {
        _server.Serve(JwksTestServer.Jwk("a", _keyA));
        using var authenticator = Create();

        var result = await authenticator.AuthenticateAsync(Password(Rsa("RS256", _keyB, Claims, kid: "a")), default);

        Assert.Equal(AuthenticationVerdict.Deny, result.Verdict);
        Assert.Contains("signature", result.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_keys_are_refreshed_in_the_background_every_refresh_interval()
    {
        _server.Serve(JwksTestServer.Jwk("a", _keyA));
        using var authenticator = Create();
        _time.Advance(TimeSpan.Zero);
        await authenticator.JwksSettled;
        Assert.Equal(1, _server.Requests);

        // Without a kid nothing asks for a refetch: only the timer brings key B in.
        _server.Serve(JwksTestServer.Jwk("b", _keyB));
        var token = Rsa("RS256", _keyB, Claims);
        Assert.Equal(AuthenticationVerdict.Deny, (await authenticator.AuthenticateAsync(Password(token), default)).Verdict);
        _time.Advance(TimeSpan.FromSeconds(299));
        Assert.Equal(1, _server.Requests);
        _time.Advance(TimeSpan.FromSeconds(1));
        await authenticator.JwksSettled;

        Assert.Equal(2, _server.Requests);
        Assert.Equal(AuthenticationVerdict.Allow, (await authenticator.AuthenticateAsync(Password(token), default)).Verdict);
    }

    [Fact]
    public async Task Failed_refreshes_keep_the_last_keys_until_max_fail_count_in_a_row()
    {
        _server.Serve(JwksTestServer.Jwk("a", _keyA));
        using var authenticator = Create(maxFailCount: 2);
        var token = Password(Rsa("RS256", _keyA, Claims, kid: "a"));
        Assert.Equal(AuthenticationVerdict.Allow, (await authenticator.AuthenticateAsync(token, default)).Verdict);

        _server.Fail(503);
        _time.Advance(TimeSpan.Zero);
        await authenticator.JwksSettled;
        Assert.Equal(AuthenticationVerdict.Allow, (await authenticator.AuthenticateAsync(token, default)).Verdict);

        _time.Advance(TimeSpan.FromSeconds(300));
        await authenticator.JwksSettled;
        var failure = await Assert.ThrowsAsync<JwksUnavailableException>(() => authenticator.AuthenticateAsync(token, default).AsTask());
        Assert.Contains("503", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_endpoint_that_is_down_fails_the_step_and_is_not_retried_on_every_connect()
    {
        using var authenticator = JwtAuthenticator.Create(
            new JwtAuthenticatorOptions { UseJwks = true, Endpoint = new Uri($"http://127.0.0.1:{JwksTestServer.FreePort()}/jwks") },
            _time);
        var token = Password(Rsa("RS256", _keyA, Claims, kid: "a"));

        await Assert.ThrowsAsync<JwksUnavailableException>(() => authenticator.AuthenticateAsync(token, default).AsTask());
        var chain = new AuthenticationChain([new AuthenticationStep(authenticator, TimeSpan.FromSeconds(10), AuthenticationVerdict.Deny)]);
        var outcome = await chain.AuthenticateAsync(token, default);

        Assert.False(outcome.Allowed);
        Assert.True(outcome.BadCredentials);
        Assert.Contains("no keys from", outcome.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_error_status_or_a_body_that_is_no_jwks_is_a_failure_and_one_request_per_interval()
    {
        _server.Fail(500);
        using var authenticator = Create();
        var token = Password(Rsa("RS256", _keyA, Claims, kid: "a"));

        var status = await Assert.ThrowsAsync<JwksUnavailableException>(() => authenticator.AuthenticateAsync(token, default).AsTask());
        await Assert.ThrowsAsync<JwksUnavailableException>(() => authenticator.AuthenticateAsync(token, default).AsTask());
        Assert.Contains("HTTP 500", status.Message, StringComparison.Ordinal);
        Assert.Equal(1, _server.Requests);

        _server.Fail(200, "<html>not json</html>");
        _time.Advance(TimeSpan.FromSeconds(30));
        await authenticator.JwksSettled;
        var garbage = await Assert.ThrowsAsync<JwksUnavailableException>(() => authenticator.AuthenticateAsync(token, default).AsTask());
        Assert.Contains("not a JWKS", garbage.Message, StringComparison.Ordinal);

        _server.Serve(JwksTestServer.Jwk("a", _keyA));
        _time.Advance(TimeSpan.FromSeconds(30));
        Assert.Equal(AuthenticationVerdict.Allow, (await authenticator.AuthenticateAsync(token, default)).Verdict);
    }

    [Fact]
    public void An_endpoint_that_is_not_http_is_refused_when_created()
    {
        Assert.Throws<ArgumentException>(() => JwtAuthenticator.Create(new JwtAuthenticatorOptions { UseJwks = true }, _time));
        Assert.Throws<ArgumentException>(() => JwtAuthenticator.Create(new JwtAuthenticatorOptions { UseJwks = true, Endpoint = new Uri("ftp://127.0.0.1/jwks") }, _time));
    }

    private JwtAuthenticator Create(int maxFailCount = 5) => JwtAuthenticator.Create(
        new JwtAuthenticatorOptions { UseJwks = true, Endpoint = _server.Endpoint, MaxFailCount = maxFailCount },
        _time);
}
