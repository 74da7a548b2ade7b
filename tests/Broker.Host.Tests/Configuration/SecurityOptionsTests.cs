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
              { backend = built_in_database, request_timeout = 2s, on_failure = deny }
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
        Assert.Contains(EffectiveConfiguration.Lines(result.Options), l => l.StartsWith("authentication = [{backend = built_in_database, bootstrap_file = ", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("authentication = [{ mechanism = jwt }]", "authentication.0.mechanism: jwt is not supported yet; password_based is")]
    [InlineData("authentication = [{ backend = ldap }]", "authentication.0.backend: ldap is not supported yet; built_in_database is")]
    [InlineData("authentication = [{ password_hash_algorithm.name = md5 }]", "authentication.0.password_hash_algorithm: unknown password hash algorithm \"md5\"")]
    [InlineData("authentication = [{ bootstrap_file = \"/nonexistent/users.csv\" }]", "authentication.0.bootstrap_file: no such file")]
    [InlineData("authentication = [{ mechanismm = password_based }]", "authentication[].mechanismm: unknown key; did you mean mechanism?")]
    [InlineData("authentication = [\"built_in_database\"]", "authentication.0: expected a section with keys such as")]
    [InlineData("authentication = built_in_database", "authentication: expected a list of sections")]
    [InlineData("authorization.sources = [{ type = http }]", "authorization.sources.0.type: http is not supported yet; file is")]
    [InlineData("authorization.sources = [{ type = file }]", "authorization.sources.0.path: must name the ACL file")]
    [InlineData("authorization.cache.max_size = 0", "authorization.cache.max_size: must be between 1 and 1000000")]
    public void A_wrong_entry_is_an_error_that_names_it(string conf, string error) =>
        Assert.StartsWith(error, _files.SingleError(_files.Load(conf)), StringComparison.Ordinal);
}
