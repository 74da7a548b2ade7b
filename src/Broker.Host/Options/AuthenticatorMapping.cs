using Broker.Core.Security.Authentication.Http;
using Broker.Core.Security.Authentication.Jwt;
using Broker.Core.Security.Authentication.Ldap;
using Broker.Core.Security.Authentication.Postgres;
using Broker.Core.Security.Authentication.Scram;
using Broker.Core.Security.Authorization.Http;
using Broker.Core.Security.Authorization.Postgres;
using Broker.Core.Security.Http;
using Npgsql;

namespace Broker.Host.Options;

/// <summary>An authentication entry's keys as the authenticators take them.</summary>
public static class AuthenticatorMapping
{
    /// <summary>EMQX's authenticator id, "mechanism:backend" (just "jwt" for JWT): the name of the step, its users and its API path.</summary>
    public static string Id(this AuthenticatorOptions entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        return entry.Mechanism == AuthenticationMechanism.Jwt
            ? "jwt"
            : $"{Configuration.OptionValues.Format(entry.Mechanism)}:{Configuration.OptionValues.Format(entry.Backend)}";
    }

    public static HttpAuthenticatorSettings ToHttpSettings(this AuthenticatorOptions entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        return new HttpAuthenticatorSettings
        {
            Url = entry.Url,
            Method = entry.Method == "get" ? HttpAuthMethod.Get : HttpAuthMethod.Post,
            // Empty: the authenticator's defaults (JSON; username and password).
            Headers = entry.Headers.Count > 0 ? entry.Headers : null,
            Body = entry.Body.Count > 0 ? entry.Body : null,
            RequestTimeout = entry.RequestTimeout.Value,
            PoolSize = entry.PoolSize,
        };
    }

    public static HttpAuthorizationSettings ToHttpSettings(this AuthorizationSourceOptions source)
    {
        ArgumentNullException.ThrowIfNull(source);
        return new HttpAuthorizationSettings
        {
            Url = source.Url,
            Method = source.Method == "get" ? HttpAuthMethod.Get : HttpAuthMethod.Post,
            // Empty: EMQX's default headers (JSON); an empty body sends no field, as EMQX's.
            Headers = source.Headers.Count > 0 ? source.Headers : null,
            Body = source.Body,
            RequestTimeout = source.RequestTimeout.Value,
            PoolSize = source.PoolSize,
        };
    }

    public static LdapAuthenticatorSettings ToLdapSettings(this AuthenticatorOptions entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        return new LdapAuthenticatorSettings
        {
            Server = entry.Server,
            Ssl = entry.Ssl.Enable,
            BindDn = entry.Username,
            BindPassword = entry.Password,
            BaseDn = entry.BaseDn,
            Filter = entry.Filter,
            Method = entry.Method == "hash" ? LdapMethod.Hash : LdapMethod.Bind,
            PasswordAttribute = entry.PasswordAttribute,
            IsSuperuserAttribute = entry.IsSuperuserAttribute,
            RequestTimeout = entry.RequestTimeout.Value,
            PoolSize = entry.PoolSize,
        };
    }

    public static PostgresAuthenticatorSettings ToPostgresSettings(this AuthenticatorOptions entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        return new PostgresAuthenticatorSettings(PostgresConnectionString(entry.Server, entry.Database, entry.Username, entry.Password, entry.RequestTimeout.Value, entry.PoolSize))
        {
            Query = entry.Query.Length > 0 ? entry.Query : PostgresAuthenticatorSettings.DefaultQuery,
            PasswordHashAlgorithm = entry.PasswordHashAlgorithm.ToAlgorithm(),
            PoolSize = entry.PoolSize,
        };
    }

    public static PostgresAuthorizationSettings ToPostgresSettings(this AuthorizationSourceOptions source)
    {
        ArgumentNullException.ThrowIfNull(source);
        return new PostgresAuthorizationSettings(PostgresConnectionString(source.Server, source.Database, source.Username, source.Password, TimeSpan.FromSeconds(5), 8))
        {
            Query = source.Query.Length > 0 ? source.Query : PostgresAuthorizationSettings.DefaultQuery,
        };
    }

    /// <summary>EMQX's server/database/username/password as Npgsql's connection string; connecting is bounded by the step's timeout.</summary>
    private static string PostgresConnectionString(string server, string database, string username, string password, TimeSpan timeout, int poolSize)
    {
        var colon = server.LastIndexOf(':');
        var builder = new NpgsqlConnectionStringBuilder
        {
            Host = colon > 0 ? server[..colon] : server,
            Port = colon > 0 && int.TryParse(server[(colon + 1)..], System.Globalization.CultureInfo.InvariantCulture, out var port) ? port : 5432,
            Database = database,
            Username = username,
            Password = password,
            Timeout = Math.Max(1, (int)Math.Ceiling(timeout.TotalSeconds)),
            MaxPoolSize = poolSize,
        };
        return builder.ConnectionString;
    }

    /// <summary>A scram entry's algorithm: sha256 when empty; null for a name that is neither sha256 nor sha512.</summary>
    public static ScramAlgorithm? ToScramAlgorithm(this AuthenticatorOptions entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        return entry.Algorithm.Length == 0 ? ScramAlgorithm.Sha256 : ScramAlgorithm.Named(entry.Algorithm);
    }

    public static JwtAuthenticatorOptions ToJwtOptions(this AuthenticatorOptions entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        return new JwtAuthenticatorOptions
        {
            From = entry.From == JwtFrom.Username ? JwtTokenSource.Username : JwtTokenSource.Password,
            UseJwks = entry.UseJwks,
            Algorithm = entry.Algorithm == "public-key" ? JwtKeyAlgorithm.PublicKey : JwtKeyAlgorithm.HmacBased,
            Secret = entry.Secret.Length > 0 ? entry.Secret : null,
            SecretBase64Encoded = entry.SecretBase64Encoded,
            PublicKey = entry.PublicKey.Length > 0 ? entry.PublicKey : null,
            Endpoint = entry.UseJwks ? new Uri(entry.Endpoint) : null,
            RefreshInterval = entry.RefreshInterval.Value,
            VerifyClaims = entry.VerifyClaims,
            AclClaimName = entry.AclClaimName,
            DisconnectAfterExpire = entry.DisconnectAfterExpire,
        };
    }
}
