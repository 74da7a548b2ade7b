using System.Security.Cryptography;
using Broker.Actors.TestKit;
using Broker.Core.Security.Authentication;
using Broker.Core.Security.Authentication.Jwt;
using static Broker.Core.Tests.Security.Jwt.TestJwt;

namespace Broker.Core.Tests.Security.Jwt;

public sealed class JwtPublicKeyTests : IDisposable
{
    private readonly ManualTimeProvider _time = new(Now);
    private readonly RSA _rsa = RSA.Create(2048);
    private readonly ECDsa _p256 = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    private readonly ECDsa _p384 = ECDsa.Create(ECCurve.NamedCurves.nistP384);

    public void Dispose()
    {
        _rsa.Dispose();
        _p256.Dispose();
        _p384.Dispose();
    }

    [Theory]
    [InlineData("RS256")]
    [InlineData("RS384")]
    [InlineData("RS512")]
    [InlineData("PS256")]
    [InlineData("PS512")]
    public async Task A_token_signed_with_the_rsa_key_is_allowed(string alg)
    {
        var result = await Authenticate(_rsa.ExportSubjectPublicKeyInfoPem(), Rsa(alg, _rsa, """{"sub":"alice"}"""));

        Assert.Equal(AuthenticationVerdict.Allow, result.Verdict);
    }

    [Fact]
    public async Task A_pkcs1_rsa_public_key_is_read_too()
    {
        var result = await Authenticate(_rsa.ExportRSAPublicKeyPem(), Rsa("RS256", _rsa, """{"sub":"alice"}"""));

        Assert.Equal(AuthenticationVerdict.Allow, result.Verdict);
    }

    [Fact]
    public async Task Ecdsa_tokens_are_allowed_on_their_curve()
    {
        var es256 = await Authenticate(_p256.ExportSubjectPublicKeyInfoPem(), Ec("ES256", _p256, """{"sub":"alice"}"""));
        var es384 = await Authenticate(_p384.ExportSubjectPublicKeyInfoPem(), Ec("ES384", _p384, """{"sub":"alice"}"""));

        Assert.Equal(AuthenticationVerdict.Allow, es256.Verdict);
        Assert.Equal(AuthenticationVerdict.Allow, es384.Verdict);
    }

    [Fact]
    public async Task A_token_signed_with_another_key_is_denied()
    {
        using var other = RSA.Create(2048);
        using var otherEc = ECDsa.Create(ECCurve.NamedCurves.nistP256);

        var rsa = await Authenticate(_rsa.ExportSubjectPublicKeyInfoPem(), Rsa("RS256", other, """{"sub":"alice"}"""));
        var ec = await Authenticate(_p256.ExportSubjectPublicKeyInfoPem(), Ec("ES256", otherEc, """{"sub":"alice"}"""));

        Assert.Equal(AuthenticationVerdict.Deny, rsa.Verdict);
        Assert.Contains("signature", rsa.Detail, StringComparison.Ordinal);
        Assert.Equal(AuthenticationVerdict.Deny, ec.Verdict);
    }

    [Fact]
    public async Task An_hmac_token_keyed_with_the_public_key_text_is_refused()
    {
        // The classic confusion: an attacker signs HS256 with the (public) PEM as the secret.
        var pem = _rsa.ExportSubjectPublicKeyInfoPem();
        var forged = Hmac("HS256", System.Text.Encoding.UTF8.GetBytes(pem), """{"sub":"alice","is_superuser":true}""");

        var result = await Authenticate(pem, forged);

        Assert.Equal(AuthenticationVerdict.Deny, result.Verdict);
        Assert.Contains("HS256 not allowed", result.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_public_key_may_be_a_file_path()
    {
        var path = Path.GetTempFileName();
        try
        {
            await File.WriteAllTextAsync(path, _p256.ExportSubjectPublicKeyInfoPem());

            var result = await Authenticate(path, Ec("ES256", _p256, """{"sub":"alice"}"""));

            Assert.Equal(AuthenticationVerdict.Allow, result.Verdict);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void A_public_key_that_is_not_one_is_refused_when_created()
    {
        Assert.Throws<ArgumentException>(() => JwtAuthenticator.Create(new JwtAuthenticatorOptions { Algorithm = JwtKeyAlgorithm.PublicKey }));
        Assert.Throws<ArgumentException>(() => JwtAuthenticator.Create(new JwtAuthenticatorOptions
        {
            Algorithm = JwtKeyAlgorithm.PublicKey,
            PublicKey = "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----",
        }));
    }

    private async Task<AuthenticationResult> Authenticate(string publicKey, string token)
    {
        using var authenticator = JwtAuthenticator.Create(new JwtAuthenticatorOptions { Algorithm = JwtKeyAlgorithm.PublicKey, PublicKey = publicKey }, _time);
        return await authenticator.AuthenticateAsync(Password(token), default);
    }
}
