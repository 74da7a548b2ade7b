using Microsoft.Extensions.Configuration;

namespace Broker.Host.Options;

/// <summary>The <c>authorization</c> section (EMQX 5's shape): which client may publish and subscribe to what.</summary>
public sealed class AuthorizationOptions
{
    [ConfigurationKeyName("no_match")]
    public NoMatchAction NoMatch { get; set; } = NoMatchAction.Allow;

    [ConfigurationKeyName("deny_action")]
    public DenyAction DenyAction { get; set; } = DenyAction.Ignore;

    [ConfigurationKeyName("cache")]
    public AuthorizationCacheOptions Cache { get; init; } = new();

    [ConfigurationKeyName("sources")]
    public AuthorizationSourceOptions[] Sources { get; set; } = [];
}
