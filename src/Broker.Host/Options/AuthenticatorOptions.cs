using Broker.Host.Configuration;
using Microsoft.Extensions.Configuration;

namespace Broker.Host.Options;

/// <summary>
/// One entry of <c>authentication = [ ... ]</c>, in chain order (EMQX 5's shape). Which keys apply depends on the
/// mechanism and backend; the validator says when one is set that does not.
/// </summary>
public sealed class AuthenticatorOptions
{
    [ConfigurationKeyName("mechanism")]
    public AuthenticationMechanism Mechanism { get; set; } = AuthenticationMechanism.PasswordBased;

    [ConfigurationKeyName("backend")]
    public AuthenticationBackend Backend { get; set; } = AuthenticationBackend.BuiltInDatabase;

    /// <summary>False leaves the entry out of the chain, as if it were not there.</summary>
    [ConfigurationKeyName("enable")]
    public bool Enable { get; set; } = true;

    [ConfigurationKeyName("user_id_type")]
    public UserIdType UserIdType { get; set; } = UserIdType.Username;

    [ConfigurationKeyName("password_hash_algorithm")]
    public PasswordHashAlgorithmOptions PasswordHashAlgorithm { get; init; } = new();

    /// <summary>Built-in database: a CSV file of users loaded at start; empty for none.</summary>
    [ConfigurationKeyName("bootstrap_file")]
    public string BootstrapFile { get; set; } = "";

    [ConfigurationKeyName("bootstrap_type")]
    public BootstrapType BootstrapType { get; set; } = BootstrapType.Plain;

    /// <summary>How long the step may take before it counts as failed.</summary>
    [ConfigurationKeyName("request_timeout")]
    public Duration RequestTimeout { get; set; } = Duration.FromSeconds(5);

    [ConfigurationKeyName("on_failure")]
    public FailureVerdict OnFailure { get; set; } = FailureVerdict.Ignore;

    // backend = http

    /// <summary>The authentication service's URL, with ${username}, ${clientid}, ${peerhost}... placeholders.</summary>
    [ConfigurationKeyName("url")]
    public string Url { get; set; } = "";

    /// <summary>http: post (a JSON body) or get (the body's fields in the query); ldap: bind or hash. Empty: post, bind.</summary>
    [ConfigurationKeyName("method")]
    public string Method { get; set; } = "";

    /// <summary>Request headers; empty for the service's defaults (JSON).</summary>
    [ConfigurationKeyName("headers")]
    public Dictionary<string, string> Headers { get; set; } = [];

    /// <summary>The request's fields (JSON body for post, query for get); empty for username and password.</summary>
    [ConfigurationKeyName("body")]
    public Dictionary<string, string> Body { get; set; } = [];

    /// <summary>Connections kept open to the service.</summary>
    [ConfigurationKeyName("pool_size")]
    public int PoolSize { get; set; } = 8;

    // backend = ldap or postgresql

    /// <summary>The directory or the database: host:port.</summary>
    [ConfigurationKeyName("server")]
    public string Server { get; set; } = "";

    /// <summary>ldap: the DN entries are searched as (empty: anonymously); postgresql: the database user.</summary>
    [ConfigurationKeyName("username")]
    public string Username { get; set; } = "";

    [ConfigurationKeyName("password")]
    public string Password { get; set; } = "";

    /// <summary>postgresql: the database.</summary>
    [ConfigurationKeyName("database")]
    public string Database { get; set; } = "";

    /// <summary>postgresql: the query selecting password_hash (salt, is_superuser) with ${username}... as parameters.</summary>
    [ConfigurationKeyName("query")]
    public string Query { get; set; } = "";

    /// <summary>Where the search starts, with ${username} and ${clientid} (escaped for a DN).</summary>
    [ConfigurationKeyName("base_dn")]
    public string BaseDn { get; set; } = "";

    /// <summary>The search filter, with ${username} and ${clientid} (escaped for a filter).</summary>
    [ConfigurationKeyName("filter")]
    public string Filter { get; set; } = "(objectClass=mqttUser)";

    /// <summary>method = hash: the attribute holding the password ({SSHA}, {SHA}, {SSHA256}, {SHA256} or plain).</summary>
    [ConfigurationKeyName("password_attribute")]
    public string PasswordAttribute { get; set; } = "userPassword";

    /// <summary>An entry whose value of it is TRUE is a superuser.</summary>
    [ConfigurationKeyName("is_superuser_attribute")]
    public string IsSuperuserAttribute { get; set; } = "isSuperuser";

    [ConfigurationKeyName("ssl")]
    public LdapSslOptions Ssl { get; init; } = new();

    // mechanism = scram (and algorithm, above)

    /// <summary>Hi()'s iterations for the keys derived from each password (EMQX's default).</summary>
    [ConfigurationKeyName("iteration_count")]
    public int IterationCount { get; set; } = 4096;

    // mechanism = jwt

    /// <summary>Where the client puts its token: password or username.</summary>
    [ConfigurationKeyName("from")]
    public JwtFrom From { get; set; } = JwtFrom.Password;

    /// <summary>Keys from a JWKS endpoint (endpoint, refresh_interval) instead of a secret or a public key.</summary>
    [ConfigurationKeyName("use_jwks")]
    public bool UseJwks { get; set; }

    /// <summary>
    /// jwt without JWKS: hmac-based (secret) or public-key (public_key); scram: sha256 or sha512. Empty: the mechanism's
    /// first (hmac-based, sha256). One key for both, as in EMQX.
    /// </summary>
    [ConfigurationKeyName("algorithm")]
    public string Algorithm { get; set; } = "";

    [ConfigurationKeyName("secret")]
    public string Secret { get; set; } = "";

    [ConfigurationKeyName("secret_base64_encoded")]
    public bool SecretBase64Encoded { get; set; }

    /// <summary>A PEM public key or certificate (RSA or ECDSA), or the path of one.</summary>
    [ConfigurationKeyName("public_key")]
    public string PublicKey { get; set; } = "";

    /// <summary>The JWKS URL.</summary>
    [ConfigurationKeyName("endpoint")]
    public string Endpoint { get; set; } = "";

    [ConfigurationKeyName("refresh_interval")]
    public Duration RefreshInterval { get; set; } = Duration.FromSeconds(300);

    /// <summary>Claims the token must carry, with ${username} and ${clientid} placeholders.</summary>
    [ConfigurationKeyName("verify_claims")]
    public Dictionary<string, string> VerifyClaims { get; set; } = [];

    /// <summary>The claim holding the client's ACL rules.</summary>
    [ConfigurationKeyName("acl_claim_name")]
    public string AclClaimName { get; set; } = "acl";

    /// <summary>Whether a client is disconnected when its token's exp passes.</summary>
    [ConfigurationKeyName("disconnect_after_expire")]
    public bool DisconnectAfterExpire { get; set; } = true;
}
