using Broker.Actors.TestKit;
using Broker.Core.Security;
using Broker.Core.Security.Authentication;
using Broker.Core.Security.Authentication.Jwt;
using Broker.Core.Security.Authorization;
using Broker.Mqtt;
using static Broker.Core.Tests.Security.Jwt.TestJwt;

namespace Broker.Core.Tests.Security.Jwt;

public sealed class JwtAclClaimTests
{
    private const string Secret = "a-secret-of-thirty-two-bytes-or-more!";

    private static readonly ClientInfo Alice = new() { ClientId = "c1", Username = "alice" };

    private readonly ManualTimeProvider _time = new(Now);

    [Fact]
    public async Task The_old_format_allows_what_it_lists_and_denies_everything_else()
    {
        var acl = await Acl("""{"pub":["up/${username}/#"],"sub":["down/${clientid}"],"all":["shared/+"]}""");

        Assert.Equal(AclDecision.Allow, Publish(acl, "up/alice/x"));
        Assert.Equal(AclDecision.Deny, Publish(acl, "up/bob/x"));
        Assert.Equal(AclDecision.Deny, Subscribe(acl, "up/alice/x"));
        Assert.Equal(AclDecision.Allow, Subscribe(acl, "down/c1"));
        Assert.Equal(AclDecision.Deny, Publish(acl, "down/c1"));
        Assert.Equal(AclDecision.Allow, Publish(acl, "shared/a"));
        Assert.Equal(AclDecision.Allow, Subscribe(acl, "shared/a"));
        Assert.Equal(AclDecision.Deny, Publish(acl, "elsewhere"));
    }

    [Fact]
    public async Task The_new_format_is_asked_in_order_and_passes_what_matches_no_rule_on_to_the_configured_sources()
    {
        var acl = await Acl("""
            [{"permission":"deny","action":"publish","topic":"t/secret"},
             {"permission":"allow","action":"all","topics":["t/#","eq q/#"]},
             {"permission":"allow","action":"subscribe","topic":"s/${username}/+","qos":[0,1]},
             {"permission":"allow","action":"pub","topic":"r/1","retain":true,"qos":"1,2"}]
            """);

        Assert.Equal(AclDecision.Deny, Publish(acl, "t/secret"));
        Assert.Equal(AclDecision.Allow, Subscribe(acl, "t/secret"));
        Assert.Equal(AclDecision.Allow, Publish(acl, "t/a/b"));
        Assert.Equal(AclDecision.Allow, Subscribe(acl, "q/#"));
        Assert.Equal(AclDecision.NoMatch, Subscribe(acl, "q/a"));
        Assert.Equal(AclDecision.Allow, Subscribe(acl, "s/alice/x", QualityOfService.AtLeastOnce));
        Assert.Equal(AclDecision.NoMatch, Subscribe(acl, "s/alice/x", QualityOfService.ExactlyOnce));
        Assert.Equal(AclDecision.NoMatch, Subscribe(acl, "s/bob/x"));
        Assert.Equal(AclDecision.Allow, Publish(acl, "r/1", QualityOfService.AtLeastOnce, retain: true));
        Assert.Equal(AclDecision.NoMatch, Publish(acl, "r/1", QualityOfService.AtLeastOnce, retain: false));
        Assert.Equal(AclDecision.NoMatch, Publish(acl, "r/1", QualityOfService.AtMostOnce, retain: true));
        Assert.Equal(AclDecision.NoMatch, Publish(acl, "elsewhere"));
    }

    [Fact]
    public async Task A_shared_subscription_is_checked_on_its_filter()
    {
        var acl = await Acl("""[{"permission":"allow","action":"subscribe","topic":"t/#"}]""");

        Assert.Equal(AclDecision.Allow, Subscribe(acl, "$share/g/t/1"));
        Assert.Equal(AclDecision.NoMatch, Subscribe(acl, "$share/g/u/1"));
    }

    [Fact]
    public async Task Who_conditions_narrow_a_rule_to_the_clients_they_match()
    {
        var acl = await Acl("""[{"permission":"allow","action":"all","topic":"t","username_re":"^ali","ipaddr":"10.0.0.0/8"}]""");
        var inside = Alice with { PeerHost = System.Net.IPAddress.Parse("10.1.2.3") };
        var outside = Alice with { PeerHost = System.Net.IPAddress.Parse("192.0.2.1") };

        Assert.Equal(AclDecision.Allow, acl.Check(inside, AclAction.Publish, "t", QualityOfService.AtMostOnce, false));
        Assert.Equal(AclDecision.NoMatch, acl.Check(outside, AclAction.Publish, "t", QualityOfService.AtMostOnce, false));
        Assert.Equal(AclDecision.NoMatch, acl.Check(inside with { Username = "bob" }, AclAction.Publish, "t", QualityOfService.AtMostOnce, false));
    }

    [Fact]
    public async Task Once_the_tokens_exp_has_passed_the_acl_denies_everything()
    {
        var acl = await Acl("""[{"permission":"allow","action":"all","topic":"#"}]""", exp: NowSeconds + 60);

        Assert.Equal(AclDecision.Allow, Publish(acl, "t"));
        _time.Advance(TimeSpan.FromSeconds(60));
        Assert.Equal(AclDecision.Allow, Publish(acl, "t"));
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(AclDecision.Deny, Publish(acl, "t"));
        Assert.Equal(AclDecision.Deny, Subscribe(acl, "elsewhere"));
    }

    [Fact]
    public async Task The_claim_name_is_configurable()
    {
        using var authenticator = JwtAuthenticator.Create(new JwtAuthenticatorOptions { Secret = Secret, AclClaimName = "rights" }, _time);

        var result = await authenticator.AuthenticateAsync(Password(Hmac(Secret, """{"rights":{"pub":["a"]},"acl":"ignored"}""")), default);

        Assert.Equal(AuthenticationVerdict.Allow, result.Verdict);
        Assert.Equal(AclDecision.Allow, Publish(result.Acl!, "a"));
    }

    [Fact]
    public async Task A_superuser_token_keeps_its_acl_too()
    {
        using var authenticator = JwtAuthenticator.Create(new JwtAuthenticatorOptions { Secret = Secret }, _time);

        var result = await authenticator.AuthenticateAsync(Password(Hmac(Secret, """{"is_superuser":true,"acl":{"pub":["a"]}}""")), default);

        Assert.True(result.IsSuperuser);
        Assert.NotNull(result.Acl);
    }

    [Theory]
    [InlineData("\"pub\"")]
    [InlineData("[{\"permission\":\"allow\",\"topic\":\"t\"}]")]
    [InlineData("[{\"permission\":\"maybe\",\"action\":\"all\",\"topic\":\"t\"}]")]
    [InlineData("[{\"permission\":\"allow\",\"action\":\"read\",\"topic\":\"t\"}]")]
    [InlineData("[{\"permission\":\"allow\",\"action\":\"all\"}]")]
    [InlineData("[{\"permission\":\"allow\",\"action\":\"all\",\"topic\":\"a/#/b\"}]")]
    [InlineData("[{\"permission\":\"allow\",\"action\":\"all\",\"topic\":\"t/${peerhost}\"}]")]
    [InlineData("[{\"permission\":\"allow\",\"action\":\"all\",\"topic\":\"t\",\"qos\":3}]")]
    [InlineData("[{\"permission\":\"allow\",\"action\":\"all\",\"topic\":\"t\",\"retain\":\"sometimes\"}]")]
    [InlineData("[{\"permission\":\"allow\",\"action\":\"all\",\"topic\":\"t\",\"zone\":\"default\"}]")]
    [InlineData("[{\"permission\":\"allow\",\"action\":\"all\",\"topic\":\"t\",\"ipaddr\":\"not an address\"}]")]
    [InlineData("{\"pub\":\"t\"}")]
    public async Task An_acl_claim_that_does_not_read_denies_the_token(string claim)
    {
        using var authenticator = JwtAuthenticator.Create(new JwtAuthenticatorOptions { Secret = Secret }, _time);

        var result = await authenticator.AuthenticateAsync(Password(Hmac(Secret, $$"""{"acl":{{claim}}}""")), default);

        Assert.Equal(AuthenticationVerdict.Deny, result.Verdict);
        Assert.Contains("ACL", result.Detail, StringComparison.Ordinal);
    }

    private async Task<IAuthorizationSource> Acl(string claim, long? exp = null)
    {
        using var authenticator = JwtAuthenticator.Create(new JwtAuthenticatorOptions { Secret = Secret }, _time);
        var claims = exp is null ? $$"""{"acl":{{claim}}}""" : $$"""{"acl":{{claim}},"exp":{{exp}}}""";
        var result = await authenticator.AuthenticateAsync(Password(Hmac(Secret, claims)), default);
        Assert.Equal(AuthenticationVerdict.Allow, result.Verdict);
        return result.Acl!;
    }

    private static AclDecision Publish(IAuthorizationSource acl, string topic, QualityOfService qos = QualityOfService.AtMostOnce, bool retain = false) =>
        acl.Check(Alice, AclAction.Publish, topic, qos, retain);

    private static AclDecision Subscribe(IAuthorizationSource acl, string filter, QualityOfService qos = QualityOfService.AtMostOnce) =>
        acl.Check(Alice, AclAction.Subscribe, filter, qos, retain: false);
}
