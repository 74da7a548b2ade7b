using Microsoft.Extensions.Configuration;

namespace Broker.Host.Options;

/// <summary>One entry of <c>authorization.sources</c>, asked in order.</summary>
public sealed class AuthorizationSourceOptions
{
    [ConfigurationKeyName("type")]
    public AuthorizationSourceType Type { get; set; } = AuthorizationSourceType.File;

    [ConfigurationKeyName("enable")]
    public bool Enable { get; set; } = true;

    /// <summary>type = file: the rules, in EMQX's acl.conf syntax.</summary>
    [ConfigurationKeyName("path")]
    public string Path { get; set; } = "";
}
