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

    /// <summary>type = postgresql: host:port of the database.</summary>
    [ConfigurationKeyName("server")]
    public string Server { get; set; } = "";

    [ConfigurationKeyName("database")]
    public string Database { get; set; } = "";

    [ConfigurationKeyName("username")]
    public string Username { get; set; } = "";

    [ConfigurationKeyName("password")]
    public string Password { get; set; } = "";

    /// <summary>type = built_in_database: how many rules one username, client id or the list for all may hold.</summary>
    [ConfigurationKeyName("max_rules")]
    public int MaxRules { get; set; } = 100;

    /// <summary>type = postgresql: one row a rule (permission, action, topic; qos, retain), read at each CONNECT.</summary>
    [ConfigurationKeyName("query")]
    public string Query { get; set; } = "";
}
