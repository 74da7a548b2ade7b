namespace Broker.Core.Security.Authorization;

/// <summary>EMQX's <c>authorization.cache</c>: each connection remembers its latest decisions.</summary>
public sealed record AuthorizationCacheOptions
{
    public static readonly AuthorizationCacheOptions Default = new();

    public static readonly AuthorizationCacheOptions Disabled = new() { Enable = false };

    public bool Enable { get; init; } = true;

    /// <summary>Decisions kept per connection; the least recently used goes first.</summary>
    public int MaxSize { get; init; } = 32;

    /// <summary>How long a decision is trusted: a changed rule reaches a connected client after at most this long.</summary>
    public TimeSpan Ttl { get; init; } = TimeSpan.FromMinutes(1);
}
