using System.Diagnostics.CodeAnalysis;
using System.Text;
using System.Text.Json;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Broker.Core.Security.Authentication.Jwt;

/// <summary>
/// EMQX 5's <c>mechanism = jwt</c>: the client presents a signed token (JWS, compact form) in its password or username.
/// No token there: <c>on_missing_jwt</c>. A token that does not read, is unsigned (<c>alg: none</c>), signed with an
/// algorithm the key kind does not allow, badly signed, expired, not yet valid, fails <c>verify_claims</c> or carries
/// an ACL claim that does not read: denied, with the reason in the detail. (EMQX's legacy profile ignores, rather than
/// denies, a token whose signature fails; a broker that accepts it with the next step on a forged token is worse.)
/// A good one: allowed, superuser when <c>is_superuser</c> says so, with the rules of its ACL claim.
/// No keys from a JWKS endpoint: <see cref="JwksUnavailableException"/>, for the chain's failure policy.
/// </summary>
public sealed class JwtAuthenticator : IAuthenticator, IDisposable
{
    private static readonly string[] HmacAlgorithms = ["HS256", "HS384", "HS512"];

    // EMQX also takes EdDSA; .NET has no Ed25519, so a token signed with it is refused as an algorithm not allowed.
    private static readonly string[] PublicKeyAlgorithms = ["RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512"];

    private readonly JwtAuthenticatorOptions _options;
    private readonly IJwtKeyProvider _keys;
    private readonly string[] _algorithms;
    private readonly JwtClaimChecks _claims;
    private readonly TimeProvider _time;
    private readonly JsonWebTokenHandler _handler = new();

    private JwtAuthenticator(JwtAuthenticatorOptions options, IJwtKeyProvider keys, string[] algorithms, TimeProvider time)
    {
        _options = options;
        _keys = keys;
        _algorithms = algorithms;
        _time = time;
        _claims = new JwtClaimChecks(options.VerifyClaims, options.ClockSkew);
    }

    public string Name => "jwt";

    /// <param name="time">The clock for exp and nbf, and the JWKS refresh timer; <see cref="TimeProvider.System"/> when null.</param>
    /// <param name="jwksClient">The HTTP client for the JWKS endpoint (the host's TLS settings); one of its own when null.</param>
    /// <exception cref="ArgumentException">The options are not a usable configuration (missing or bad key, bad verify_claims).</exception>
    public static JwtAuthenticator Create(JwtAuthenticatorOptions options, TimeProvider? time = null, HttpClient? jwksClient = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentException.ThrowIfNullOrEmpty(options.AclClaimName);
        time ??= TimeProvider.System;
        if (options.UseJwks)
        {
            return new JwtAuthenticator(options, new JwksKeyProvider(options, time, jwksClient), PublicKeyAlgorithms, time);
        }

        return options.Algorithm == JwtKeyAlgorithm.HmacBased
            ? new JwtAuthenticator(options, StaticJwtKeys.FromSecret(options.Secret ?? throw new ArgumentException("secret: required with algorithm = hmac-based"), options.SecretBase64Encoded), HmacAlgorithms, time)
            : new JwtAuthenticator(options, StaticJwtKeys.FromPublicKey(options.PublicKey ?? throw new ArgumentException("public_key: required with algorithm = public-key")), PublicKeyAlgorithms, time);
    }

    public async ValueTask<AuthenticationResult> AuthenticateAsync(Credentials credentials, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(credentials);
        var source = _options.From == JwtTokenSource.Password ? "password" : "username";
        if (!TryExtract(credentials, out var text))
        {
            return text is null
                ? (_options.OnMissingJwt == AuthenticationVerdict.Deny ? AuthenticationResult.Deny($"no JWT in the {source}") : AuthenticationResult.Ignore($"no JWT in the {source}"))
                : AuthenticationResult.Deny($"malformed JWT: the {source} is not UTF-8");
        }

        if (Read(text) is not { } token)
        {
            return AuthenticationResult.Deny("malformed JWT");
        }

        if (HeaderProblem(token) is { } problem)
        {
            return AuthenticationResult.Deny(problem);
        }

        if (await VerifySignatureAsync(token, cancellationToken).ConfigureAwait(false) is { } bad)
        {
            return AuthenticationResult.Deny(bad);
        }

        return Authorize(token, credentials.Client);
    }

    /// <summary>For tests: completes when no JWKS fetch is under way.</summary>
    internal Task JwksSettled => (_keys as JwksKeyProvider)?.Settled ?? Task.CompletedTask;

    public void Dispose() => (_keys as IDisposable)?.Dispose();

    /// <returns>False with a null text when there is no token; false with a text when the bytes are not UTF-8.</returns>
    private bool TryExtract(Credentials credentials, [NotNullWhen(true)] out string? text)
    {
        text = null;
        if (_options.From == JwtTokenSource.Username)
        {
            text = credentials.Client.Username;
            return !string.IsNullOrEmpty(text);
        }

        if (credentials.Password is not { Length: > 0 } password)
        {
            return false;
        }

        try
        {
            text = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(password.Span);
            return true;
        }
        catch (DecoderFallbackException)
        {
            text = "";
            return false;
        }
    }

    private static JsonWebToken? Read(string text)
    {
        try
        {
            return new JsonWebToken(text);
        }
        catch (Exception e) when (e is ArgumentException or SecurityTokenException or JsonException or FormatException)
        {
            return null;
        }
    }

    private string? HeaderProblem(JsonWebToken token)
    {
        if (token.IsEncrypted)
        {
            return "encrypted JWT (JWE): not supported";
        }

        if (string.IsNullOrEmpty(token.Alg) || token.Alg.Equals("none", StringComparison.OrdinalIgnoreCase))
        {
            return "unsigned JWT (alg none) refused";
        }

        return _algorithms.Contains(token.Alg, StringComparer.Ordinal)
            ? null
            : $"JWT algorithm {token.Alg} not allowed here (one of {string.Join(", ", _algorithms)})";
    }

    /// <returns>Why the signature fails, or null when it holds.</returns>
    private async ValueTask<string?> VerifySignatureAsync(JsonWebToken token, CancellationToken cancellationToken)
    {
        var keys = await _keys.GetKeysAsync(cancellationToken).ConfigureAwait(false);
        var result = await _handler.ValidateTokenAsync(token, Parameters(keys)).ConfigureAwait(false);
        if (!result.IsValid && !string.IsNullOrEmpty(token.Kid) && !keys.Any(key => key.KeyId == token.Kid)
            && await _keys.RefetchAsync(cancellationToken).ConfigureAwait(false) is { } fresh)
        {
            keys = fresh;
            result = await _handler.ValidateTokenAsync(token, Parameters(keys)).ConfigureAwait(false);
        }

        if (result.IsValid)
        {
            return null;
        }

        return !string.IsNullOrEmpty(token.Kid) && !keys.Any(key => key.KeyId == token.Kid)
            ? $"bad JWT signature (no key with kid '{token.Kid}')"
            : "bad JWT signature";
    }

    private TokenValidationParameters Parameters(IReadOnlyList<SecurityKey> keys) => new()
    {
        IssuerSigningKeys = keys,
        ValidAlgorithms = _algorithms,
        RequireSignedTokens = true,
        TryAllIssuerSigningKeys = true,

        // Checked by JwtClaimChecks, EMQX's way and on the injected clock.
        ValidateLifetime = false,
        RequireExpirationTime = false,
        ValidateAudience = false,
        ValidateIssuer = false,
    };

    private AuthenticationResult Authorize(JsonWebToken token, ClientInfo client)
    {
        JsonDocument payload;
        try
        {
            payload = JsonDocument.Parse(Base64UrlEncoder.DecodeBytes(token.EncodedPayload));
        }
        catch (Exception e) when (e is JsonException or FormatException or ArgumentException)
        {
            return AuthenticationResult.Deny("malformed JWT: the payload is not JSON");
        }

        using (payload)
        {
            var claims = payload.RootElement;
            if (claims.ValueKind != JsonValueKind.Object)
            {
                return AuthenticationResult.Deny("malformed JWT: the payload is not a JSON object");
            }

            var now = _time.GetUtcNow().ToUnixTimeSeconds();
            if (_claims.Check(claims, client, now) is { } why)
            {
                return AuthenticationResult.Deny(why);
            }

            var superuser = claims.TryGetProperty("is_superuser", out var flag) && JwtClaimValues.IsTrue(flag);
            var expiresAt = ExpiresAt(claims);
            var endsAtMs = _options.DisconnectAfterExpire && expiresAt is { } exp ? exp * 1000 : (long?)null;
            if (!claims.TryGetProperty(_options.AclClaimName, out var acl))
            {
                return AuthenticationResult.Allow(superuser, expiresAtMs: endsAtMs);
            }

            try
            {
                return AuthenticationResult.Allow(superuser, JwtAclParser.Parse(acl, expiresAt, _time), endsAtMs);
            }
            catch (FormatException e)
            {
                return AuthenticationResult.Deny($"bad ACL claim: {e.Message}");
            }
        }
    }

    private static long? ExpiresAt(JsonElement claims) =>
        claims.TryGetProperty("exp", out var exp) && JwtClaimValues.TryNumber(exp, out var seconds) ? (long)Math.Floor(seconds) : null;
}
