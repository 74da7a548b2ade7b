using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Broker.Core.Security;
using Broker.Core.Security.Authentication;

namespace Broker.Core.Tests.Security.Jwt;

/// <summary>
/// Tokens signed here with the framework's own primitives (not the library under test), so a test fails when the
/// authenticator reads a signature differently from RFC 7515.
/// </summary>
internal static class TestJwt
{
    public static readonly DateTimeOffset Now = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public static long NowSeconds => Now.ToUnixTimeSeconds();

    public static string Hmac(string alg, byte[] secret, object claims, string? kid = null) =>
        Sign(alg, kid, claims, data => alg switch
        {
            "HS256" => HMACSHA256.HashData(secret, data),
            "HS384" => HMACSHA384.HashData(secret, data),
            "HS512" => HMACSHA512.HashData(secret, data),
            _ => throw new ArgumentOutOfRangeException(nameof(alg)),
        });

    public static string Hmac(string secret, object claims) => Hmac("HS256", Encoding.UTF8.GetBytes(secret), claims);

    public static string Rsa(string alg, RSA key, object claims, string? kid = null) =>
        Sign(alg, kid, claims, data => key.SignData(data, HashOf(alg), alg.StartsWith("PS", StringComparison.Ordinal) ? RSASignaturePadding.Pss : RSASignaturePadding.Pkcs1));

    public static string Ec(string alg, ECDsa key, object claims, string? kid = null) =>
        Sign(alg, kid, claims, data => key.SignData(data, HashOf(alg), DSASignatureFormat.IeeeP1363FixedFieldConcatenation));

    /// <summary>An unsigned token (RFC 7519 §6): header <c>alg: none</c>, empty signature.</summary>
    public static string Unsigned(object claims) => $"{Part(new { alg = "none", typ = "JWT" })}.{Part(claims)}.";

    public static string Part(object value) =>
        Base64Url(value is string text ? Encoding.UTF8.GetBytes(text) : JsonSerializer.SerializeToUtf8Bytes(value));

    public static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    public static JsonObject Claims(string json) => JsonNode.Parse(json)!.AsObject();

    public static Credentials Password(string token, string clientId = "c1", string? username = "alice") =>
        new(new ClientInfo { ClientId = clientId, Username = username }, Encoding.UTF8.GetBytes(token));

    public static Credentials Username(string token, string clientId = "c1") =>
        new(new ClientInfo { ClientId = clientId, Username = token }, null);

    private static string Sign(string alg, string? kid, object claims, Func<byte[], byte[]> signature)
    {
        var header = kid is null ? Part(new { alg, typ = "JWT" }) : Part(new { alg, typ = "JWT", kid });
        var signingInput = $"{header}.{Part(claims)}";
        return $"{signingInput}.{Base64Url(signature(Encoding.ASCII.GetBytes(signingInput)))}";
    }

    private static HashAlgorithmName HashOf(string alg) => alg[2..] switch
    {
        "256" => HashAlgorithmName.SHA256,
        "384" => HashAlgorithmName.SHA384,
        "512" => HashAlgorithmName.SHA512,
        _ => throw new ArgumentOutOfRangeException(nameof(alg)),
    };
}
