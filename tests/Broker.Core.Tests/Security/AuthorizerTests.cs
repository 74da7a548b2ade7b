using Broker.Core.Security;
using Broker.Core.Security.Authorization;
using Broker.Mqtt;
using static Broker.Core.Tests.Security.AclTestClients;

namespace Broker.Core.Tests.Security;

/// <summary>Sources in order, no_match, and the superuser.</summary>
public sealed class AuthorizerTests
{
    [Fact]
    public void The_first_source_that_decides_wins_and_later_ones_are_not_asked()
    {
        var first = new CountingSource((_, topic) => topic == "a" ? AclDecision.Deny : AclDecision.NoMatch);
        var second = new CountingSource(AclDecision.Allow);
        var authorizer = Create(AclDecision.Deny, first, second);

        Assert.Equal(AclDecision.Deny, Publish(authorizer, Client(), "a"));
        Assert.Equal(0, second.Calls);
        Assert.Equal(AclDecision.Allow, Publish(authorizer, Client(), "b"));
        Assert.Equal((2, 1), (first.Calls, second.Calls));
    }

    [Theory]
    [InlineData(AclDecision.Allow)]
    [InlineData(AclDecision.Deny)]
    public void When_no_source_decides_no_match_does(AclDecision noMatch)
    {
        var acl = AclFile.Parse("""{allow, all, publish, ["a"]}.""", "acl.conf");
        var authorizer = Create(noMatch, acl, new CountingSource(AclDecision.NoMatch));

        Assert.Equal(noMatch, Publish(authorizer, Client(), "b"));
        Assert.Equal(AclDecision.Allow, Publish(authorizer, Client(), "a"));
        Assert.Equal(noMatch, Publish(Create(noMatch), Client(), "a"));
    }

    [Fact]
    public void Rules_the_client_brought_with_its_credentials_come_before_the_configured_sources()
    {
        var configured = new CountingSource(AclDecision.Allow);
        var authorizer = Create(AclDecision.Allow, configured);
        var own = AclFile.Parse("""{deny, all, publish, ["plant/commands/#"]}.""", "jwt acl claim");
        var client = Client() with { Acl = own };

        Assert.Equal(AclDecision.Deny, Publish(authorizer, client, "plant/commands/press"));
        Assert.Equal(0, configured.Calls);
        Assert.Equal(AclDecision.Allow, Publish(authorizer, client, "plant/telemetry"));
        Assert.Equal(1, configured.Calls);
    }

    [Fact]
    public async Task A_client_sees_only_the_rules_for_it_and_decides_as_with_them_all()
    {
        var acl = AclFile.Parse("""
            {allow, {username, "line1-press"}, publish, ["plant/line1/#"]}.
            {allow, {username, {re, "^line2-"}}, publish, ["plant/line2/#"]}.
            {deny, {ipaddr, "10.9.0.0/16"}, all, ["#"]}.
            {allow, all, subscribe, ["plant/+/commands/${username}"]}.
            {deny, all}.
            """, "acl.conf");
        var authorizer = new Authorizer([acl], AclDecision.Deny, AuthorizationCacheOptions.Disabled, TimeProvider.System);
        var clients = new[]
        {
            Client() with { Username = "line1-press" },
            Client() with { Username = "line2-oven" },
            Client() with { Username = "line1-press", PeerHost = System.Net.IPAddress.Parse("10.9.1.2") },
        };
        Assert.Equal(3, ((AclFile)acl.For(clients[0])).RuleCount);
        Assert.Equal(4, ((AclFile)acl.For(clients[2])).RuleCount);

        foreach (var client in clients)
        {
            var own = authorizer.ForClient(client);
            foreach (var topic in new[] { "plant/line1/temp", "plant/line2/temp", "plant/x/commands/line1-press", "plant/x/commands/line2-oven" })
            {
                foreach (var action in new[] { AclAction.Publish, AclAction.Subscribe })
                {
                    var all = await authorizer.CheckAsync(client, action, topic, QualityOfService.AtLeastOnce, false, CancellationToken.None);
                    Assert.Equal(all, own.Authorize(action, topic, QualityOfService.AtLeastOnce, false));
                }
            }
        }
    }

    [Fact]
    public void A_client_id_starting_with_a_dollar_cannot_turn_a_placeholder_into_a_sys_topic()
    {
        var acl = AclFile.Parse("""{allow, all, all, ["${clientid}/#"]}.""", "acl.conf");
        var authorizer = Create(AclDecision.Deny, acl);

        Assert.Equal(AclDecision.Deny, Publish(authorizer, Client() with { ClientId = "$SYS" }, "$SYS/brokers"));
        Assert.Equal(AclDecision.Allow, Publish(authorizer, Client() with { ClientId = "press-7" }, "press-7/temp"));
    }

    [Fact]
    public void No_match_must_be_allow_or_deny() =>
        Assert.Throws<ArgumentException>(() => Create(AclDecision.NoMatch));

    [Fact]
    public void A_superuser_is_allowed_without_asking_any_source()
    {
        var source = new CountingSource(AclDecision.Deny);
        var authorizer = Create(AclDecision.Deny, source);
        var root = Client() with { IsSuperuser = true };

        Assert.Equal(AclDecision.Allow, Publish(authorizer, root, "$SYS/x"));
        Assert.Equal(AclDecision.Allow, authorizer.ForClient(root).Authorize(AclAction.Subscribe, "#", QualityOfService.ExactlyOnce, false));
        Assert.Equal(0, source.Calls);
        Assert.Equal(AclDecision.Deny, Publish(authorizer, Client(), "$SYS/x"));
    }

    [Fact]
    public void Acl_files_chain_as_sources()
    {
        var specific = AclFile.Parse("""{deny, {username, "guest"}, publish, ["#"]}.""", "specific.conf");
        var general = AclFile.Parse("""{allow, all, publish, ["#"]}.""", "general.conf");
        var authorizer = Create(AclDecision.Deny, specific, general);

        Assert.Equal(AclDecision.Deny, Publish(authorizer, Client(username: "guest"), "a"));
        Assert.Equal(AclDecision.Allow, Publish(authorizer, Client(username: "member"), "a"));
    }

    private static Authorizer Create(AclDecision noMatch, params IAuthorizationSource[] sources) =>
        new(sources, noMatch, AuthorizationCacheOptions.Disabled, TimeProvider.System);

    /// <summary>Through a client's authorization without a cache: every source here answers at once.</summary>
    private static AclDecision? Publish(Authorizer authorizer, ClientInfo client, string topic) =>
        authorizer.ForClient(client).Authorize(AclAction.Publish, topic, QualityOfService.AtMostOnce, retain: false);
}
