using Broker.Host.Configuration;
using Microsoft.Extensions.Configuration;

namespace Broker.Host.Options;

/// <summary>The <c>flapping_detect</c> section, with EMQX's defaults.</summary>
public sealed class FlappingDetectOptions
{
    [ConfigurationKeyName("enable")]
    public bool Enable { get; set; }

    /// <summary>CONNECTs of one client id allowed within the window; the next one bans it.</summary>
    [ConfigurationKeyName("max_count")]
    public int MaxCount { get; set; } = 15;

    [ConfigurationKeyName("window_time")]
    public Duration WindowTime { get; set; } = Duration.FromMinutes(1);

    [ConfigurationKeyName("ban_time")]
    public Duration BanTime { get; set; } = Duration.FromMinutes(5);
}
