namespace Broker.Core.Security.Authorization.Postgres;

/// <summary>
/// EMQX 5's <c>authorization.sources = [{type = postgresql, ...}]</c>. EMQX's <c>server</c>, <c>database</c>,
/// <c>username</c>, <c>password</c> and <c>ssl</c> make up <see cref="ConnectionString"/>.
/// </summary>
/// <param name="ConnectionString">An Npgsql connection string: Host, Port, Database, Username, Password, SSL Mode, Timeout...</param>
public sealed record PostgresAuthorizationSettings(string ConnectionString)
{
    /// <summary>The query of EMQX's documentation; EMQX requires it to be written out.</summary>
    public const string DefaultQuery = "SELECT action, permission, topic FROM mqtt_acl where username = ${username}";

    /// <summary>
    /// <c>query</c>: one row a rule, asked in the order returned (write an ORDER BY), with <c>permission</c>
    /// (allow, deny), <c>action</c> (publish, subscribe, all), <c>topic</c> (a filter with placeholders, or
    /// <c>eq </c> and an exact topic) or <c>topics</c> (an array), and optionally <c>qos</c>, <c>retain</c>,
    /// <c>username_re</c>, <c>clientid_re</c>, <c>ipaddr</c>. Placeholders: <c>${username}</c>, <c>${clientid}</c>,
    /// <c>${peerhost}</c>, <c>${cert_common_name}</c>, <c>${cert_subject}</c>.
    /// </summary>
    public string Query { get; init; } = DefaultQuery;

    /// <summary><c>pool_size</c>: connections kept to the server at most.</summary>
    public int PoolSize { get; init; } = 8;

    /// <summary>
    /// How long a CONNECT waits for the client's rules before its PUBLISH and SUBSCRIBE are denied (not an EMQX key:
    /// EMQX queries on each check instead, bounded by its resource's request timeout).
    /// </summary>
    public TimeSpan LoadTimeout { get; init; } = TimeSpan.FromSeconds(5);
}
