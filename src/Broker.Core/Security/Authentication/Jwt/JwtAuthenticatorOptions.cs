namespace Broker.Core.Security.Authentication.Jwt;

/// <summary>
/// EMQX 5's <c>mechanism = jwt</c> authenticator, one property per configuration key (named in each comment).
/// Defaults are EMQX's, its <c>legacy</c> security profile where the profile decides.
/// </summary>
public sealed record JwtAuthenticatorOptions
{
    /// <summary><c>from</c>, default <c>password</c>.</summary>
    public JwtTokenSource From { get; init; } = JwtTokenSource.Password;

    /// <summary><c>on_missing_jwt</c>: <c>ignore</c> (the default) or <c>deny</c> when <see cref="From"/> holds no token.</summary>
    public AuthenticationVerdict OnMissingJwt { get; init; } = AuthenticationVerdict.Ignore;

    /// <summary><c>use_jwks</c>, default false.</summary>
    public bool UseJwks { get; init; }

    /// <summary><c>algorithm</c> (<c>hmac-based</c> | <c>public-key</c>), used when <see cref="UseJwks"/> is false.</summary>
    public JwtKeyAlgorithm Algorithm { get; init; } = JwtKeyAlgorithm.HmacBased;

    /// <summary><c>secret</c>, for <see cref="JwtKeyAlgorithm.HmacBased"/>.</summary>
    public string? Secret { get; init; }

    /// <summary><c>secret_base64_encoded</c>, default false.</summary>
    public bool SecretBase64Encoded { get; init; }

    /// <summary><c>public_key</c>: PEM text, or the path of a PEM file (as EMQX takes either), for <see cref="JwtKeyAlgorithm.PublicKey"/>.</summary>
    public string? PublicKey { get; init; }

    /// <summary><c>endpoint</c>: the JWKS URL (http or https), when <see cref="UseJwks"/>.</summary>
    public Uri? Endpoint { get; init; }

    /// <summary><c>headers</c> sent to <see cref="Endpoint"/>, default <c>Accept: application/json</c>.</summary>
    public IReadOnlyDictionary<string, string> Headers { get; init; } =
        new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase) { ["Accept"] = "application/json" };

    /// <summary><c>refresh_interval</c>, default 300 s; EMQX raises anything under 10 s to 10 s, and so does this.</summary>
    public TimeSpan RefreshInterval { get; init; } = TimeSpan.FromSeconds(300);

    /// <summary><c>max_fail_count</c>, default 5: the keys are dropped after this many failed fetches in a row.</summary>
    public int MaxFailCount { get; init; } = 5;

    /// <summary>One JWKS request's limit (EMQX: 5 s, not configurable there).</summary>
    public TimeSpan JwksRequestTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Not in EMQX: the least time between two fetches that CONNECTs cause (a token naming an unknown <c>kid</c>, or no
    /// keys yet), so a client cannot make the broker hammer the endpoint.
    /// </summary>
    public TimeSpan JwksRefetchInterval { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// <c>verify_claims</c>: claim name to the string it must equal, with <c>${username}</c> and <c>${clientid}</c>
    /// rendered for the client. <c>aud</c> also matches one element of an array. Not <c>exp</c>, <c>nbf</c> nor <c>iat</c>.
    /// </summary>
    public IReadOnlyDictionary<string, string> VerifyClaims { get; init; } = new Dictionary<string, string>();

    /// <summary><c>acl_claim_name</c>, default <c>acl</c>.</summary>
    public string AclClaimName { get; init; } = "acl";

    /// <summary><c>disconnect_after_expire</c>: a client whose token has an <c>exp</c> is disconnected then (0x87), as in EMQX.</summary>
    public bool DisconnectAfterExpire { get; init; } = true;

    /// <summary>
    /// Not in EMQX (which allows none): leeway on <c>exp</c> and <c>nbf</c> for clocks that disagree. Default zero.
    /// </summary>
    public TimeSpan ClockSkew { get; init; } = TimeSpan.Zero;
}
