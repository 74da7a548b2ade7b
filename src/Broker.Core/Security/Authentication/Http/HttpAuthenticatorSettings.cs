namespace Broker.Core.Security.Authentication.Http;

/// <summary>
/// EMQX 5's <c>authentication = [{mechanism = password_based, backend = http, ...}]</c>. <see cref="Url"/>, the
/// values of <see cref="Headers"/> and <see cref="Body"/>, and the path and query of the URL may hold
/// <c>${username}</c>, <c>${clientid}</c>, <c>${password}</c>, <c>${peerhost}</c>, <c>${cert_common_name}</c> and
/// <c>${cert_subject}</c>; <c>${$}</c> is a literal <c>$</c>.
/// </summary>
public sealed record HttpAuthenticatorSettings
{
    public static readonly TimeSpan DefaultRequestTimeout = TimeSpan.FromSeconds(5);

    public const int DefaultPoolSize = 8;

    /// <summary><c>url</c>: http or https, a literal host (no placeholder there), no user info, no fragment.</summary>
    public required string Url { get; init; }

    /// <summary><c>method</c>.</summary>
    public HttpAuthMethod Method { get; init; } = HttpAuthMethod.Post;

    /// <summary>
    /// <c>headers</c>; null means EMQX's default (<c>accept: application/json</c>, <c>cache-control: no-cache</c>).
    /// POST adds <c>content-type: application/json</c> unless one is given; GET may not have a content-type.
    /// </summary>
    public IReadOnlyDictionary<string, string>? Headers { get; init; }

    /// <summary>
    /// <c>body</c>: field to template. Null means <c>{username = "${username}", password = "${password}"}</c>; an
    /// empty map sends no field.
    /// </summary>
    public IReadOnlyDictionary<string, string>? Body { get; init; }

    /// <summary><c>request_timeout</c>: connecting, sending and reading the answer, together.</summary>
    public TimeSpan RequestTimeout { get; init; } = DefaultRequestTimeout;

    /// <summary><c>pool_size</c>: connections kept to the service at most.</summary>
    public int PoolSize { get; init; } = DefaultPoolSize;

    internal static IReadOnlyDictionary<string, string> DefaultBody { get; } =
        new Dictionary<string, string> { ["username"] = "${username}", ["password"] = "${password}" };

    internal static IReadOnlyDictionary<string, string> DefaultHeaders { get; } =
        new Dictionary<string, string> { ["accept"] = "application/json", ["cache-control"] = "no-cache" };
}
