using Broker.Host.Configuration;
using Broker.Host.Options;

namespace Broker.Host.Tests.Configuration;

/// <summary><c>authentication = [ ... ]</c> and <c>authorization { ... }</c>, in EMQX 5's shapes: lists of sections.</summary>
public sealed class SecurityOptionsTests : IDisposable
{
    private readonly ConfigFiles _files = new();

    public void Dispose() => _files.Dispose();

    [Fact]
    public void A_chain_binds_in_order_with_each_entrys_own_keys()
    {
        var users = _files.Write("users.csv", "user_id,password,is_superuser\na,b,false\n");
        var acl = _files.Write("acl.conf", "{allow, all}.\n");
        var result = _files.Load($$"""
            authentication = [
              { mechanism = password_based, backend = built_in_database, user_id_type = clientid,
                password_hash_algorithm { name = sha256, salt_position = prefix }, bootstrap_file = "{{users}}" },
              { backend = ldap, server = "ldap.plant.local:389", base_dn = "ou=people,dc=plant", request_timeout = 2s, on_failure = deny }
            ]
            authorization { no_match = deny, deny_action = disconnect, sources = [{ type = file, path = "{{acl}}" }] }
            mqtt.peer_cert_as_username = cn
            """);

        Assert.Empty(result.Errors);
        var chain = result.Options.Authentication;
        Assert.Equal(2, chain.Length);
        Assert.Equal((UserIdType.Clientid, "sha256", "prefix", users), (chain[0].UserIdType, chain[0].PasswordHashAlgorithm.Name, chain[0].PasswordHashAlgorithm.SaltPosition, chain[0].BootstrapFile));
        Assert.Equal((UserIdType.Username, "pbkdf2", TimeSpan.FromSeconds(2), FailureVerdict.Deny), (chain[1].UserIdType, chain[1].PasswordHashAlgorithm.Name, chain[1].RequestTimeout.Value, chain[1].OnFailure));
        Assert.Equal((NoMatchAction.Deny, DenyAction.Disconnect, acl), (result.Options.Authorization.NoMatch, result.Options.Authorization.DenyAction, result.Options.Authorization.Sources.Single().Path));
        Assert.Equal(PeerCertAs.Cn, result.Options.Mqtt.PeerCertAsUsername);
        Assert.Contains(EffectiveConfiguration.Lines(result.Options), l => l.StartsWith("authentication = [{", StringComparison.Ordinal)
            && l.Contains($"bootstrap_file = \"{users}\"", StringComparison.Ordinal) && l.Contains("backend = built_in_database", StringComparison.Ordinal));
    }

    [Fact]
    public void A_mechanism_and_backend_appear_once_in_the_chain_as_their_users_and_api_path_are_named_by_them()
    {
        var result = _files.Load("""
            authentication = [
              { backend = built_in_database },
              { mechanism = jwt, secret = "s" },
              { backend = built_in_database, user_id_type = clientid }
            ]
            """);

        var error = Assert.Single(result.Errors);
        Assert.StartsWith("authentication.2.backend: password_based:built_in_database is in the chain already", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Http_and_jwt_entries_bind_their_maps()
    {
        var result = _files.Load("""
            authentication = [
              { backend = http, method = get, url = "https://auth.plant.local/mqtt/${clientid}",
                headers { "x-plant" = "building2" }, body { user = "${username}", secret = "${password}" } },
              { mechanism = jwt, from = username, secret = "s3cret", verify_claims { sub = "${clientid}" } }
            ]
            """);

        Assert.Empty(result.Errors);
        var http = result.Options.Authentication[0].ToHttpSettings();
        Assert.Equal((Core.Security.Http.HttpAuthMethod.Get, "https://auth.plant.local/mqtt/${clientid}"), (http.Method, http.Url));
        Assert.Equal("building2", http.Headers!["x-plant"]);
        Assert.Equal("${password}", http.Body!["secret"]);
        var jwt = result.Options.Authentication[1].ToJwtOptions();
        Assert.Equal((Core.Security.Authentication.Jwt.JwtTokenSource.Username, "s3cret", "${clientid}"), (jwt.From, jwt.Secret, jwt.VerifyClaims["sub"]));
        Assert.Contains(EffectiveConfiguration.Lines(result.Options), l => l.Contains("headers = {\"x-plant\" = \"building2\"}", StringComparison.Ordinal));
    }

    [Fact]
    public void An_http_authorization_source_binds_its_request_and_takes_emqx_defaults()
    {
        var result = _files.Load("""
            authorization.sources = [
              { type = http, method = get, url = "http://authz.plant.local/acl/${clientid}",
                headers { "X-Plant" = "building2" }, body { topic = "${topic}", action = "${action}" }, request_timeout = 2s, pool_size = 4 }
            ]
            """);
        var defaults = _files.Load("""authorization.sources = [{ type = http, url = "http://authz.plant.local/acl" }]""");

        Assert.Empty(result.Errors);
        var http = result.Options.Authorization.Sources[0].ToHttpSettings();
        Assert.Equal((Core.Security.Http.HttpAuthMethod.Get, "http://authz.plant.local/acl/${clientid}"), (http.Method, http.Url));
        Assert.Equal(("building2", "${topic}"), (http.Headers!["X-Plant"], http.Body!["topic"]));
        Assert.Equal((TimeSpan.FromSeconds(2), 4), (http.RequestTimeout, http.PoolSize));
        Assert.Empty(defaults.Errors);
        var plain = defaults.Options.Authorization.Sources[0].ToHttpSettings();
        Assert.Equal((Core.Security.Http.HttpAuthMethod.Post, TimeSpan.FromSeconds(30), 8), (plain.Method, plain.RequestTimeout, plain.PoolSize));
        Assert.Null(plain.Headers);
        Assert.Empty(plain.Body!);
    }

    [Fact]
    public void Scram_entries_bind_their_algorithm_and_iteration_count_and_a_jwt_entrys_algorithm_stays_its_own()
    {
        var users = _files.Write("scram-users.csv", "user_id,password,is_superuser\nmes,pw,true\n");
        var result = _files.Load($$"""
            authentication = [
              { mechanism = scram, backend = built_in_database, bootstrap_file = "{{users}}" },
              { mechanism = scram, algorithm = sha512, iteration_count = 10000, enable = false },
              { mechanism = jwt, secret = "s3cret" }
            ]
            """);

        Assert.Empty(result.Errors);
        var chain = result.Options.Authentication;
        Assert.Equal((Core.Security.Authentication.Scram.ScramAlgorithm.Sha256, 4096, users), (chain[0].ToScramAlgorithm(), chain[0].IterationCount, chain[0].BootstrapFile));
        Assert.Equal((Core.Security.Authentication.Scram.ScramAlgorithm.Sha512, 10000), (chain[1].ToScramAlgorithm(), chain[1].IterationCount));
        Assert.Equal(Core.Security.Authentication.Jwt.JwtKeyAlgorithm.HmacBased, chain[2].ToJwtOptions().Algorithm);
    }

    [Theory]
    [InlineData("authentication = [{ mechanism = scram, algorithm = sha1 }]", "authentication.0.algorithm: must be sha256 or sha512 for mechanism = scram")]
    [InlineData("authentication = [{ mechanism = scram }, { mechanism = scram, algorithm = sha512 }]", "authentication.1.backend: scram:built_in_database is in the chain already")]
    [InlineData("authentication = [{ mechanism = scram, backend = http }]", "authentication.0.backend: http is not supported for mechanism = scram")]
    [InlineData("authentication = [{ mechanism = scram, iteration_count = 0 }]", "authentication.0.iteration_count: must be between 1 and 10000000")]
    [InlineData("authentication = [{ mechanism = scram, bootstrap_type = hash }]", "authentication.0.bootstrap_type: must be plain for mechanism = scram")]
    [InlineData("authentication = [{ mechanism = scram, bootstrap_file = \"/nonexistent/users.csv\" }]", "authentication.0.bootstrap_file: no such file")]
    [InlineData("authentication = [{ backend = postgresql, database = mqtt }]", "authentication.0.server: must name the database server")]
    [InlineData("authentication = [{ backend = postgresql, server = \"db:5432\" }]", "authentication.0.database: must name the database")]
    [InlineData("authorization.sources = [{ type = postgresql, server = \"db:5432\" }]", "authorization.sources.0.database: must name the database")]
    [InlineData("authentication = [{ backend = ldap, base_dn = \"ou=people\" }]", "authentication.0.server: must name the directory")]
    [InlineData("authentication = [{ backend = ldap, server = \"ldap:389\", base_dn = \"ou=people\", method = sasl }]", "authentication.0.method: must be bind or hash")]
    [InlineData("authentication = [{ backend = http, url = \"http://auth.local/\", method = put }]", "authentication.0.method: must be post or get")]
    [InlineData("authentication = [{ mechanism = jwt }]", "authentication.0.secret: must be set for algorithm = hmac-based")]
    [InlineData("authentication = [{ mechanism = jwt, algorithm = public-key }]", "authentication.0.public_key: must be set")]
    [InlineData("authentication = [{ mechanism = jwt, algorithm = rsa, secret = x }]", "authentication.0.algorithm: must be hmac-based or public-key")]
    [InlineData("authentication = [{ mechanism = jwt, use_jwks = true, endpoint = \"ftp://keys\" }]", "authentication.0.endpoint: must be the JWKS URL")]
    [InlineData("authentication = [{ backend = http }]", "authentication.0.url: must be an http or https URL")]
    [InlineData("authentication = [{ backend = http, url = \"http://auth.local/\", pool_size = 0 }]", "authentication.0.pool_size: must be between 1 and 1024")]
    [InlineData("authentication = [{ backend = http, url = \"http://auth.local/\", headers = \"json\" }]", "authentication[].headers: expected a map")]
    [InlineData("authentication = [{ password_hash_algorithm.name = md5 }]", "authentication.0.password_hash_algorithm: unknown password hash algorithm \"md5\"")]
    [InlineData("authentication = [{ bootstrap_file = \"/nonexistent/users.csv\" }]", "authentication.0.bootstrap_file: no such file")]
    [InlineData("authentication = [{ mechanismm = password_based }]", "authentication[].mechanismm: unknown key; did you mean mechanism?")]
    [InlineData("authentication = [\"built_in_database\"]", "authentication.0: expected a section with keys such as")]
    [InlineData("authentication = built_in_database", "authentication: expected a list of sections")]
    [InlineData("authorization.sources = [{ type = built_in_database }, { type = built_in_database }]", "authorization.sources.1.type: built_in_database is in the sources already")]
    [InlineData("authorization.sources = [{ type = built_in_database, max_rules = 0 }]", "authorization.sources.0.max_rules")]
    [InlineData("authorization.sources = [{ type = http }]", "authorization.sources.0.url: must be an http or https URL")]
    [InlineData("authorization.sources = [{ type = http, url = \"http://authz.local/\", method = put }]", "authorization.sources.0.method: must be post or get")]
    [InlineData("authorization.sources = [{ type = http, url = \"http://authz.local/\", request_timeout = 0s }]", "authorization.sources.0.request_timeout: must be above 0")]
    [InlineData("authorization.sources = [{ type = http, url = \"http://authz.local/\", pool_size = 0 }]", "authorization.sources.0.pool_size: must be between 1 and 1024")]
    [InlineData("authorization.sources = [{ type = file }]", "authorization.sources.0.path: must name the ACL file")]
    [InlineData("authorization.cache.max_size = 0", "authorization.cache.max_size: must be between 1 and 1000000")]
    public void A_wrong_entry_is_an_error_that_names_it(string conf, string error) =>
        Assert.StartsWith(error, _files.SingleError(_files.Load(conf)), StringComparison.Ordinal);
}
