namespace Broker.Core.Security.Http;

/// <summary>
/// What EMQX 5's HTTP authenticator and HTTP authorization source have in common: the request and its connection pool.
/// <see cref="Url"/>, the values of <see cref="Headers"/> and <see cref="Body"/>, and the path and query of the URL may
/// hold the placeholders the user of the settings fills; <c>${$}</c> is a literal <c>$</c>.
/// </summary>
public abstract record HttpServiceSettings
{
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

    /// <summary><c>body</c>: field to template. Null means the user's default; an empty map sends no field.</summary>
    public IReadOnlyDictionary<string, string>? Body { get; init; }

    /// <summary><c>request_timeout</c>: connecting, sending and reading the answer, together.</summary>
    public abstract TimeSpan RequestTimeout { get; init; }

    /// <summary><c>pool_size</c>: connections kept to the service at most.</summary>
    public int PoolSize { get; init; } = DefaultPoolSize;

    internal static IReadOnlyDictionary<string, string> DefaultHeaders { get; } =
        new Dictionary<string, string> { ["accept"] = "application/json", ["cache-control"] = "no-cache" };
}
