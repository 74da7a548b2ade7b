namespace Broker.Core.Security.Authentication.Jwt;

/// <summary>EMQX's <c>algorithm</c> when <c>use_jwks = false</c>.</summary>
public enum JwtKeyAlgorithm
{
    /// <summary><c>hmac-based</c>: HS256, HS384 or HS512 with <see cref="JwtAuthenticatorOptions.Secret"/>.</summary>
    HmacBased,

    /// <summary><c>public-key</c>: RS*, PS* or ES* with the PEM <see cref="JwtAuthenticatorOptions.PublicKey"/>.</summary>
    PublicKey,
}
