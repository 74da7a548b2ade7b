using Broker.Host.Configuration;
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

    /// <summary>type = http: the service's URL; its path and query may hold placeholders (${topic}, ${action}, ${clientid}...).</summary>
    [ConfigurationKeyName("url")]
    public string Url { get; set; } = "";

    /// <summary>type = http: post (a JSON body) or get (the body's fields in the query). Empty: post.</summary>
    [ConfigurationKeyName("method")]
    public string Method { get; set; } = "";

    /// <summary>type = http: request headers; empty for EMQX's defaults (JSON).</summary>
    [ConfigurationKeyName("headers")]
    public Dictionary<string, string> Headers { get; set; } = [];

    /// <summary>type = http: the request's fields (a JSON body for post, the query for get); empty sends none.</summary>
    [ConfigurationKeyName("body")]
    public Dictionary<string, string> Body { get; set; } = [];

    /// <summary>type = http: how long a check may wait for the service; past it the source is passed over.</summary>
    [ConfigurationKeyName("request_timeout")]
    public Duration RequestTimeout { get; set; } = Duration.FromSeconds(30);

    /// <summary>type = http: connections kept open to the service.</summary>
    [ConfigurationKeyName("pool_size")]
    public int PoolSize { get; set; } = 8;
}
