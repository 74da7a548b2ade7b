using System.Text.Json;

namespace Broker.Core.Security.Authentication.Jwt;

/// <summary>
/// What EMQX checks of a token's claims once its signature holds: <c>aud</c> when <c>verify_claims</c> names it (a
/// string equal to it, or an array holding it), then <c>exp</c> (now &lt; exp) and <c>nbf</c> (nbf &lt;= now), each
/// only when present, in whole seconds, then every other <c>verify_claims</c> entry: the claim must be there and be
/// that string.
/// </summary>
internal sealed class JwtClaimChecks
{
    private readonly IReadOnlyList<(string Name, ClaimTemplate Expected)> _expected;
    private readonly long _skewSeconds;

    /// <exception cref="ArgumentException">A claim EMQX does not let <c>verify_claims</c> name, or a bad placeholder.</exception>
    public JwtClaimChecks(IReadOnlyDictionary<string, string> verifyClaims, TimeSpan clockSkew)
    {
        ArgumentNullException.ThrowIfNull(verifyClaims);
        if (clockSkew < TimeSpan.Zero)
        {
            throw new ArgumentException("clock skew: not negative", nameof(clockSkew));
        }

        _skewSeconds = (long)clockSkew.TotalSeconds;
        var expected = new List<(string, ClaimTemplate)>();
        foreach (var (name, value) in verifyClaims.OrderBy(pair => pair.Key != "aud"))
        {
            if (name is "" or "exp" or "nbf" or "iat")
            {
                throw new ArgumentException($"verify_claims: cannot name '{name}' (exp and nbf are always checked)", nameof(verifyClaims));
            }

            expected.Add((name, ClaimTemplate.Parse(value)));
        }

        _expected = expected;
    }

    /// <returns>Why the claims fail, or null when they pass.</returns>
    public string? Check(JsonElement claims, ClientInfo client, long nowSeconds)
    {
        foreach (var (name, template) in _expected.Where(entry => entry.Name == "aud"))
        {
            if (CheckAudience(claims, template.Render(client)) is { } why)
            {
                return why;
            }
        }

        if (claims.TryGetProperty("exp", out var exp))
        {
            if (!JwtClaimValues.TryNumber(exp, out var expires))
            {
                return $"exp claim is not a number ({exp.GetRawText()})";
            }

            if (!(nowSeconds - _skewSeconds < expires))
            {
                return $"expired (exp {expires}, now {nowSeconds})";
            }
        }

        if (claims.TryGetProperty("nbf", out var nbf))
        {
            if (!JwtClaimValues.TryNumber(nbf, out var notBefore))
            {
                return $"nbf claim is not a number ({nbf.GetRawText()})";
            }

            if (!(notBefore <= nowSeconds + _skewSeconds))
            {
                return $"not valid yet (nbf {notBefore}, now {nowSeconds})";
            }
        }

        foreach (var (name, template) in _expected.Where(entry => entry.Name != "aud"))
        {
            if (CheckClaim(claims, name, template.Render(client)) is { } why)
            {
                return why;
            }
        }

        return null;
    }

    private static string? CheckAudience(JsonElement claims, string? expected)
    {
        if (!claims.TryGetProperty("aud", out var aud))
        {
            return "missing claim 'aud'";
        }

        var matches = expected is not null && aud.ValueKind switch
        {
            JsonValueKind.String => aud.GetString() is { Length: > 0 } value && value == expected,
            JsonValueKind.Array => aud.EnumerateArray().Any(item => item.ValueKind == JsonValueKind.String && item.GetString() == expected),
            _ => false,
        };
        return matches ? null : $"claim 'aud' does not match ({aud.GetRawText()})";
    }

    private static string? CheckClaim(JsonElement claims, string name, string? expected)
    {
        if (!claims.TryGetProperty(name, out var value))
        {
            return $"missing claim '{name}'";
        }

        if (expected is null)
        {
            return $"claim '{name}' names the username, and the client has none";
        }

        return value.ValueKind == JsonValueKind.String && value.GetString() == expected
            ? null
            : $"claim '{name}' does not match ({value.GetRawText()})";
    }
}
