using Broker.Host.Configuration;
using Microsoft.Extensions.Configuration;

namespace Broker.Host.Options;

/// <summary>Each client's recent authorization decisions, so that a device publishing to one topic is not checked each time.</summary>
public sealed class AuthorizationCacheOptions
{
    [ConfigurationKeyName("enable")]
    public bool Enable { get; set; } = true;

    /// <summary>Decisions kept per client, the least recently used dropped first.</summary>
    [ConfigurationKeyName("max_size")]
    public int MaxSize { get; set; } = 32;

    /// <summary>How long a decision is kept: a changed rule reaches connected clients within this.</summary>
    [ConfigurationKeyName("ttl")]
    public Duration Ttl { get; set; } = Duration.FromSeconds(60);
}
