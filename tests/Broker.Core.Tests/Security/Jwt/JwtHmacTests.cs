using System.Text;
using Broker.Actors.TestKit;
using Broker.Core.Security.Authentication;
using Broker.Core.Security.Authentication.Jwt;
using static Broker.Core.Tests.Security.Jwt.TestJwt;

namespace Broker.Core.Tests.Security.Jwt;

public sealed class JwtHmacTests
{
    private const string Secret = "a-secret-of-thirty-two-bytes-or-more!";

    private readonly ManualTimeProvider _time = new(Now);

    [Fact]
    public async Task A_token_signed_with_the_secret_is_allowed_and_not_superuser_by_default()
    {
        var result = await Authenticate(Hmac(Secret, $$"""{"sub":"alice","exp":{{NowSeconds + 60}}}"""));

        Assert.Equal(AuthenticationVerdict.Allow, result.Verdict);
        Assert.False(result.IsSuperuser);
        Assert.Null(result.Acl);
    }

    [Fact]
    public async Task The_credentials_end_at_the_tokens_exp_unless_disconnect_after_expire_is_off()
    {
        var token = Hmac(Secret, $$"""{"sub":"alice","exp":{{NowSeconds + 60}}}""");

        Assert.Equal((NowSeconds + 60) * 1000, (await Authenticate(token)).ExpiresAtMs);
        Assert.Null((await Authenticate(token, new JwtAuthenticatorOptions { Secret = Secret, DisconnectAfterExpire = false })).ExpiresAtMs);
        Assert.Null((await Authenticate(Hmac(Secret, """{"sub":"alice"}"""))).ExpiresAtMs);
    }

    [Theory]
    [InlineData("HS256")]
    [InlineData("HS384")]
    [InlineData("HS512")]
    public async Task Every_hmac_algorithm_is_accepted(string alg)
    {
        var result = await Authenticate(Hmac(alg, Encoding.UTF8.GetBytes(Secret), """{"sub":"alice"}"""));

        Assert.Equal(AuthenticationVerdict.Allow, result.Verdict);
    }

    [Fact]
    public async Task A_token_signed_with_another_secret_is_denied_for_its_signature()
    {
        var result = await Authenticate(Hmac("another-secret-of-thirty-two-bytes!!", """{"sub":"alice"}"""));

        Assert.Equal(AuthenticationVerdict.Deny, result.Verdict);
        Assert.Contains("signature", result.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_token_whose_payload_was_changed_after_signing_is_denied()
    {
        var token = Hmac(Secret, """{"sub":"alice","is_superuser":false}""").Split('.');
        var forged = $"{token[0]}.{Part("""{"sub":"alice","is_superuser":true}""")}.{token[2]}";

        var result = await Authenticate(forged);

        Assert.Equal(AuthenticationVerdict.Deny, result.Verdict);
        Assert.Contains("signature", result.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unsigned_token_is_refused()
    {
        var result = await Authenticate(Unsigned("""{"sub":"alice","is_superuser":true}"""));

        Assert.Equal(AuthenticationVerdict.Deny, result.Verdict);
        Assert.Contains("alg none", result.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unsigned_token_is_refused_even_when_a_signature_is_appended()
    {
        var token = Unsigned("""{"sub":"alice"}""") + Base64Url(Encoding.UTF8.GetBytes("anything"));

        var result = await Authenticate(token);

        Assert.Equal(AuthenticationVerdict.Deny, result.Verdict);
    }

    [Theory]
    [InlineData("not a token")]
    [InlineData("a.b")]
    [InlineData("e30.e30.e30.e30")]
    [InlineData("!!!.???.###")]
    public async Task A_malformed_token_is_denied(string token)
    {
        var result = await Authenticate(token);

        Assert.Equal(AuthenticationVerdict.Deny, result.Verdict);
        Assert.Contains("malformed", result.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_signed_payload_that_is_not_a_json_object_is_denied_as_malformed()
    {
        var result = await Authenticate(Hmac(Secret, "[1,2,3]"));

        Assert.Equal(AuthenticationVerdict.Deny, result.Verdict);
        Assert.Contains("malformed", result.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_token_signed_with_an_algorithm_of_the_other_kind_is_refused()
    {
        using var rsa = System.Security.Cryptography.RSA.Create(2048);

        var result = await Authenticate(Rsa("RS256", rsa, """{"sub":"alice"}"""));

        Assert.Equal(AuthenticationVerdict.Deny, result.Verdict);
        Assert.Contains("RS256 not allowed", result.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Exp_is_checked_on_the_given_clock_and_a_token_expires_at_its_exp_second()
    {
        var authenticator = Create(new JwtAuthenticatorOptions { Secret = Secret });
        var token = Hmac(Secret, $$"""{"exp":{{NowSeconds + 10}}}""");

        Assert.Equal(AuthenticationVerdict.Allow, (await authenticator.AuthenticateAsync(Password(token), default)).Verdict);
        _time.Advance(TimeSpan.FromSeconds(9));
        Assert.Equal(AuthenticationVerdict.Allow, (await authenticator.AuthenticateAsync(Password(token), default)).Verdict);
        _time.Advance(TimeSpan.FromSeconds(1));
        var expired = await authenticator.AuthenticateAsync(Password(token), default);

        Assert.Equal(AuthenticationVerdict.Deny, expired.Verdict);
        Assert.Contains("expired", expired.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Nbf_in_the_future_is_not_valid_yet_and_becomes_valid_at_its_second()
    {
        var authenticator = Create(new JwtAuthenticatorOptions { Secret = Secret });
        var token = Hmac(Secret, $$"""{"nbf":{{NowSeconds + 5}}}""");

        var early = await authenticator.AuthenticateAsync(Password(token), default);
        _time.Advance(TimeSpan.FromSeconds(5));
        var onTime = await authenticator.AuthenticateAsync(Password(token), default);

        Assert.Equal(AuthenticationVerdict.Deny, early.Verdict);
        Assert.Contains("not valid yet", early.Detail, StringComparison.Ordinal);
        Assert.Equal(AuthenticationVerdict.Allow, onTime.Verdict);
    }

    [Fact]
    public async Task Clock_skew_extends_exp_and_brings_nbf_forward()
    {
        var options = new JwtAuthenticatorOptions { Secret = Secret, ClockSkew = TimeSpan.FromSeconds(30) };

        var expired = await Authenticate(Hmac(Secret, $$"""{"exp":{{NowSeconds - 20}}}"""), options);
        var early = await Authenticate(Hmac(Secret, $$"""{"nbf":{{NowSeconds + 20}}}"""), options);
        var tooLate = await Authenticate(Hmac(Secret, $$"""{"exp":{{NowSeconds - 31}}}"""), options);

        Assert.Equal(AuthenticationVerdict.Allow, expired.Verdict);
        Assert.Equal(AuthenticationVerdict.Allow, early.Verdict);
        Assert.Equal(AuthenticationVerdict.Deny, tooLate.Verdict);
    }

    [Fact]
    public async Task Exp_given_as_a_numeric_string_is_read_as_emqx_reads_it_and_any_other_string_is_refused()
    {
        var valid = await Authenticate(Hmac(Secret, $$"""{"exp":"{{NowSeconds + 60}}"}"""));
        var expired = await Authenticate(Hmac(Secret, $$"""{"exp":"{{NowSeconds - 60}}"}"""));
        var garbage = await Authenticate(Hmac(Secret, """{"exp":"tomorrow"}"""));

        Assert.Equal(AuthenticationVerdict.Allow, valid.Verdict);
        Assert.Equal(AuthenticationVerdict.Deny, expired.Verdict);
        Assert.Equal(AuthenticationVerdict.Deny, garbage.Verdict);
    }

    [Fact]
    public async Task A_secret_shorter_than_the_library_floor_verifies_as_emqx_would()
    {
        var options = new JwtAuthenticatorOptions { Secret = "abcdef" };

        var good = await Authenticate(Hmac("abcdef", """{"sub":"alice"}"""), options);
        var padded = await Authenticate(Hmac("abcdeg", """{"sub":"alice"}"""), options);

        Assert.Equal(AuthenticationVerdict.Allow, good.Verdict);
        Assert.Equal(AuthenticationVerdict.Deny, padded.Verdict);
    }

    [Fact]
    public async Task A_base64_secret_is_decoded_before_use()
    {
        var key = Enumerable.Range(0, 48).Select(i => (byte)(i * 7)).ToArray();
        var options = new JwtAuthenticatorOptions { Secret = Convert.ToBase64String(key), SecretBase64Encoded = true };

        var result = await Authenticate(Hmac("HS256", key, """{"sub":"alice"}"""), options);

        Assert.Equal(AuthenticationVerdict.Allow, result.Verdict);
    }

    [Fact]
    public void Bad_secrets_are_refused_when_created()
    {
        Assert.Throws<ArgumentException>(() => JwtAuthenticator.Create(new JwtAuthenticatorOptions()));
        Assert.Throws<ArgumentException>(() => JwtAuthenticator.Create(new JwtAuthenticatorOptions { Secret = "" }));
        Assert.Throws<ArgumentException>(() => JwtAuthenticator.Create(new JwtAuthenticatorOptions { Secret = "not base64!", SecretBase64Encoded = true }));
    }

    [Theory]
    [InlineData(JwtTokenSource.Password)]
    [InlineData(JwtTokenSource.Username)]
    public async Task The_token_is_read_from_the_configured_field_only(JwtTokenSource from)
    {
        var token = Hmac(Secret, """{"sub":"alice"}""");
        var options = new JwtAuthenticatorOptions { Secret = Secret, From = from };

        var there = await Authenticate(from == JwtTokenSource.Password ? Password(token) : Username(token), options);
        var elsewhere = await Authenticate(from == JwtTokenSource.Password ? Username(token) : Password(token, username: null), options);

        Assert.Equal(AuthenticationVerdict.Allow, there.Verdict);
        Assert.Equal(AuthenticationVerdict.Ignore, elsewhere.Verdict);
        Assert.Contains("no JWT", elsewhere.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_missing_token_is_denied_when_on_missing_jwt_is_deny()
    {
        var options = new JwtAuthenticatorOptions { Secret = Secret, OnMissingJwt = AuthenticationVerdict.Deny };

        var result = await Create(options).AuthenticateAsync(new Credentials(new() { ClientId = "c1" }, null), default);

        Assert.Equal(AuthenticationVerdict.Deny, result.Verdict);
    }

    [Fact]
    public async Task A_password_that_is_not_utf8_is_denied_as_malformed()
    {
        var credentials = new Credentials(new() { ClientId = "c1" }, new byte[] { 0xff, 0xfe, 0x2e });

        var result = await Create(new JwtAuthenticatorOptions { Secret = Secret }).AuthenticateAsync(credentials, default);

        Assert.Equal(AuthenticationVerdict.Deny, result.Verdict);
    }

    [Theory]
    [InlineData("true", true)]
    [InlineData("\"true\"", true)]
    [InlineData("1", true)]
    [InlineData("\"1\"", true)]
    [InlineData("false", false)]
    [InlineData("0", false)]
    [InlineData("\"yes\"", false)]
    [InlineData("null", false)]
    public async Task Is_superuser_is_read_as_emqx_reads_it(string claim, bool superuser)
    {
        var result = await Authenticate(Hmac(Secret, $$"""{"is_superuser":{{claim}}}"""));

        Assert.Equal(AuthenticationVerdict.Allow, result.Verdict);
        Assert.Equal(superuser, result.IsSuperuser);
    }

    private Task<AuthenticationResult> Authenticate(string token, JwtAuthenticatorOptions? options = null) =>
        Authenticate(Password(token), options);

    private async Task<AuthenticationResult> Authenticate(Credentials credentials, JwtAuthenticatorOptions? options = null)
    {
        using var authenticator = Create(options ?? new JwtAuthenticatorOptions { Secret = Secret });
        return await authenticator.AuthenticateAsync(credentials, default);
    }

    private JwtAuthenticator Create(JwtAuthenticatorOptions options) => JwtAuthenticator.Create(options, _time);
}
