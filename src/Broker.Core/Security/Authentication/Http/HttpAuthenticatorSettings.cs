using Broker.Core.Security.Http;

namespace Broker.Core.Security.Authentication.Http;

/// <summary>
/// EMQX 5's <c>authentication = [{mechanism = password_based, backend = http, ...}]</c>. The request may hold
/// <c>${username}</c>, <c>${clientid}</c>, <c>${password}</c>, <c>${peerhost}</c>, <c>${cert_common_name}</c> and
/// <c>${cert_subject}</c>.
/// </summary>
public sealed record HttpAuthenticatorSettings : HttpServiceSettings
{
    public static readonly TimeSpan DefaultRequestTimeout = TimeSpan.FromSeconds(5);

    /// <summary>EMQX's authenticator default, 5 s.</summary>
    public override TimeSpan RequestTimeout { get; init; } = DefaultRequestTimeout;

    /// <summary>Without a <c>body</c>: <c>{username = "${username}", password = "${password}"}</c>.</summary>
    internal static IReadOnlyDictionary<string, string> DefaultBody { get; } =
        new Dictionary<string, string> { ["username"] = "${username}", ["password"] = "${password}" };
}
