using Broker.Core.Security.Http;

namespace Broker.Core.Security.Authorization.Http;

/// <summary>
/// EMQX 5's <c>authorization.sources = [{type = http, ...}]</c> (<c>emqx_authz_http</c>). The request may hold
/// <c>${username}</c>, <c>${clientid}</c>, <c>${peerhost}</c>, <c>${cert_common_name}</c>, <c>${cert_subject}</c> and
/// what is asked: <c>${topic}</c>, <c>${action}</c> (publish or subscribe), <c>${qos}</c> (0, 1 or 2),
/// <c>${retain}</c> (true or false) and EMQX 4's <c>${access}</c> (1 subscribe, 2 publish). Without a <c>body</c> a
/// POST sends an empty JSON object, as EMQX does.
/// </summary>
public sealed record HttpAuthorizationSettings : HttpServiceSettings
{
    public static readonly TimeSpan DefaultRequestTimeout = TimeSpan.FromSeconds(30);

    /// <summary>EMQX's default for an authorization source, 30 s: the client's packets wait that long at most.</summary>
    public override TimeSpan RequestTimeout { get; init; } = DefaultRequestTimeout;

    internal static IReadOnlyDictionary<string, string> DefaultBody { get; } = new Dictionary<string, string>();
}
