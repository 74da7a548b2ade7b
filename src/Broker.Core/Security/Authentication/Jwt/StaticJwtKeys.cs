using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Microsoft.IdentityModel.Tokens;

namespace Broker.Core.Security.Authentication.Jwt;

/// <summary>The one key of <c>use_jwks = false</c>: an HMAC secret or a PEM public key.</summary>
internal sealed class StaticJwtKeys(SecurityKey key) : IJwtKeyProvider
{
    /// <summary>
    /// HMAC pads a key shorter than the hash's block size (64 bytes for SHA-256, 128 for SHA-384/512) with zeros
    /// (RFC 2104), so padding it here to 64 bytes signs and verifies exactly as the short secret does. It lets a
    /// secret that EMQX takes (any length) pass the library's floor (a key as long as the hash: 512 bits for HS512).
    /// </summary>
    private const int HmacKeyFloor = 64;

    private readonly IReadOnlyList<SecurityKey> _keys = [key];

    public static StaticJwtKeys FromSecret(string secret, bool base64Encoded)
    {
        ArgumentException.ThrowIfNullOrEmpty(secret);
        byte[] bytes;
        try
        {
            bytes = base64Encoded ? Convert.FromBase64String(secret) : Encoding.UTF8.GetBytes(secret);
        }
        catch (FormatException)
        {
            throw new ArgumentException("secret: not valid base64 (secret_base64_encoded = true)", nameof(secret));
        }

        if (bytes.Length == 0)
        {
            throw new ArgumentException("secret: empty", nameof(secret));
        }

        if (bytes.Length < HmacKeyFloor)
        {
            Array.Resize(ref bytes, HmacKeyFloor);
        }

        return new StaticJwtKeys(new SymmetricSecurityKey(bytes));
    }

    /// <param name="pemOrPath">PEM text (a public key, RSA or EC, or a certificate), or the path of a file holding it.</param>
    public static StaticJwtKeys FromPublicKey(string pemOrPath)
    {
        ArgumentException.ThrowIfNullOrEmpty(pemOrPath);
        var pem = pemOrPath.Contains("-----BEGIN", StringComparison.Ordinal) ? pemOrPath : File.ReadAllText(pemOrPath);
        return new StaticJwtKeys(ReadPem(pem));
    }

    public ValueTask<IReadOnlyList<SecurityKey>> GetKeysAsync(CancellationToken cancellationToken) => ValueTask.FromResult(_keys);

    public ValueTask<IReadOnlyList<SecurityKey>?> RefetchAsync(CancellationToken cancellationToken) =>
        ValueTask.FromResult<IReadOnlyList<SecurityKey>?>(null);

    private static SecurityKey ReadPem(string pem)
    {
        if (pem.Contains("-----BEGIN CERTIFICATE-----", StringComparison.Ordinal))
        {
            using var certificate = X509Certificate2.CreateFromPem(pem);
            return certificate.GetRSAPublicKey() is { } rsaKey ? new RsaSecurityKey(rsaKey)
                : certificate.GetECDsaPublicKey() is { } ecKey ? new ECDsaSecurityKey(ecKey)
                : throw new ArgumentException("public_key: the certificate's key is neither RSA nor EC");
        }

        var rsa = RSA.Create();
        try
        {
            rsa.ImportFromPem(pem);
            return new RsaSecurityKey(rsa);
        }
        catch (Exception e) when (e is ArgumentException or CryptographicException)
        {
            rsa.Dispose();
        }

        var ecdsa = ECDsa.Create();
        try
        {
            ecdsa.ImportFromPem(pem);
            return new ECDsaSecurityKey(ecdsa);
        }
        catch (Exception e) when (e is ArgumentException or CryptographicException)
        {
            ecdsa.Dispose();
            throw new ArgumentException($"public_key: not an RSA or EC public key in PEM ({e.Message})", e);
        }
    }
}
