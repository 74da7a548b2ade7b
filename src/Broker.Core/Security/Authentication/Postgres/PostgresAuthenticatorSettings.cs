namespace Broker.Core.Security.Authentication.Postgres;

/// <summary>
/// EMQX 5's <c>authentication = [{mechanism = password_based, backend = postgresql, ...}]</c>. EMQX's
/// <c>server</c>, <c>database</c>, <c>username</c>, <c>password</c> and <c>ssl</c> make up
/// <see cref="ConnectionString"/>.
/// </summary>
/// <param name="ConnectionString">An Npgsql connection string: Host, Port, Database, Username, Password, SSL Mode, Timeout...</param>
public sealed record PostgresAuthenticatorSettings(string ConnectionString)
{
    /// <summary>The query of EMQX's documentation; EMQX requires it to be written out.</summary>
    public const string DefaultQuery = "SELECT password_hash, salt FROM mqtt_user where username = ${username} LIMIT 1";

    /// <summary>EMQX's default for the backends that only read hashes (<c>type_ro</c>): salted SHA-256, salt first.</summary>
    public static readonly PasswordHashAlgorithm DefaultPasswordHashAlgorithm = new() { Name = "sha256", SaltPosition = "prefix" };

    /// <summary>
    /// <c>query</c>: selects <c>password_hash</c> (or <c>password</c>) and optionally <c>salt</c> and
    /// <c>is_superuser</c>; the first row counts. Placeholders: <c>${username}</c>, <c>${clientid}</c>,
    /// <c>${password}</c>, <c>${peerhost}</c>, <c>${cert_common_name}</c>, <c>${cert_subject}</c>.
    /// </summary>
    public string Query { get; init; } = DefaultQuery;

    /// <summary><c>password_hash_algorithm</c>.</summary>
    public PasswordHashAlgorithm PasswordHashAlgorithm { get; init; } = DefaultPasswordHashAlgorithm;

    /// <summary><c>pool_size</c>: connections kept to the server at most.</summary>
    public int PoolSize { get; init; } = 8;
}
