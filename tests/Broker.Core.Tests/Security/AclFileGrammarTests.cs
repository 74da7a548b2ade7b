using Broker.Core.Security.Authorization;
using Broker.Mqtt;
using static Broker.Core.Tests.Security.AclTestClients;

namespace Broker.Core.Tests.Security;

/// <summary>Every form of EMQX 5's acl.conf grammar, each checked by what the rule then decides.</summary>
public sealed class AclFileGrammarTests
{
    /// <summary>The rules of EMQX 5.x's default acl.conf (before 6.3's security_profile), with some of its comments.</summary>
    private const string EmqxDefault = """
        %%-------------- Default ACL rules -------------------------------------------------------

        {allow, {username, {re, "^dashboard$"}}, subscribe, ["$SYS/#"]}.

        {allow, {ipaddr, "127.0.0.1"}, all, ["$SYS/#", "#"]}.

        {deny, all, subscribe, ["$SYS/#", {eq, "#"}, {eq, "+/#"}]}.

        {allow, all}.
        %% NOTE! when deploy in production:
        %% - Change the last rule to `{deny, all}.`
        %% - Set config `authorization.no_match = deny`
        %%
        %% -type ipaddr() :: {ipaddr, string()}.
        %% -type rule() :: {perm(), cond(), action(), [topic_match()]} | {perm(), all}.
        """;

    [Fact]
    public void The_emqx_default_rules_read_and_decide_as_emqx_does()
    {
        var acl = AclFile.Parse(EmqxDefault, "acl.conf");
        var device = Client();
        var dashboard = Client(username: "dashboard");
        var local = Client(address: "127.0.0.1");

        Assert.Equal(4, acl.RuleCount);
        Assert.Equal(AclDecision.Allow, acl.Subscribe(dashboard, "$SYS/brokers/+/clients/#"));
        Assert.Equal(AclDecision.Deny, acl.Subscribe(device, "$SYS/brokers"));
        Assert.Equal(AclDecision.Deny, acl.Subscribe(device, "#"));
        Assert.Equal(AclDecision.Deny, acl.Subscribe(device, "+/#"));
        Assert.Equal(AclDecision.Deny, acl.Subscribe(device, "$share/g/#"));
        Assert.Equal(AclDecision.Allow, acl.Subscribe(device, "a/#"));
        Assert.Equal(AclDecision.Allow, acl.Subscribe(local, "#"));
        Assert.Equal(AclDecision.Allow, acl.Subscribe(local, "$SYS/brokers"));
        Assert.Equal(AclDecision.Allow, acl.Publish(device, "$SYS/x")); // {allow, all} reaches '$' topics too
        Assert.Equal(AclDecision.Allow, acl.Publish(device, "a/b", QualityOfService.ExactlyOnce, retain: true));
    }

    [Fact]
    public void Comments_whitespace_and_line_breaks_inside_a_rule_are_ignored()
    {
        var acl = AclFile.Parse(
            "% a comment\r\n\t{ allow ,% comment inside\n  {username,\"u\"}\n ,publish\n,\n[ \"a/#\" ] }  .% after\n%last line without newline",
            "acl.conf");

        Assert.Equal(1, acl.RuleCount);
        Assert.Equal(AclDecision.Allow, acl.Publish(Client(username: "u"), "a/b"));
        Assert.Equal(AclDecision.NoMatch, acl.Publish(Client(username: "v"), "a/b"));
    }

    [Fact]
    public void An_empty_file_or_one_of_comments_has_no_rules()
    {
        Assert.Equal(0, AclFile.Parse("", "acl.conf").RuleCount);
        Assert.Equal(AclDecision.NoMatch, AclFile.Parse("%% nothing\n\n", "acl.conf").Publish(Client(), "a"));
    }

    [Fact]
    public void A_percent_inside_a_string_is_text_not_a_comment()
    {
        var acl = AclFile.Parse("""{allow, {username, "50%off"}, publish, ["x"]}.""", "acl.conf");

        Assert.Equal(AclDecision.Allow, acl.Publish(Client(username: "50%off"), "x"));
    }

    [Fact]
    public void String_escapes_are_read()
    {
        var acl = AclFile.Parse("""{allow, {username, {re, "^a\\d\"$"}}, publish, ["x"]}.""", "acl.conf");

        Assert.Equal(AclDecision.Allow, acl.Publish(Client(username: "a7\""), "x"));
        Assert.Equal(AclDecision.NoMatch, acl.Publish(Client(username: "ad\""), "x"));
    }

    [Theory]
    [InlineData("{allow, all}.", AclDecision.Allow)]
    [InlineData("{deny, all}.", AclDecision.Deny)]
    public void The_catch_all_decides_every_action_client_and_topic(string text, AclDecision expected)
    {
        var acl = AclFile.Parse(text, "acl.conf");

        Assert.Equal(expected, acl.Publish(Client(), "$SYS/x", QualityOfService.ExactlyOnce, retain: true));
        Assert.Equal(expected, acl.Subscribe(Client(username: "u"), "#"));
    }

    [Theory]
    [InlineData("""{username, "alice"}""")]
    [InlineData("""{user, "alice"}""")]
    [InlineData("""{username, {re, "^al"}}""")]
    [InlineData("""{user, {re, "ice$"}}""")]
    public void Who_by_username(string who)
    {
        var acl = AclFile.Parse($$"""{allow, {{who}}, publish, ["t"]}.""", "acl.conf");

        Assert.Equal(AclDecision.Allow, acl.Publish(Client(username: "alice"), "t"));
        Assert.Equal(AclDecision.NoMatch, acl.Publish(Client(username: "bob"), "t"));
        Assert.Equal(AclDecision.NoMatch, acl.Publish(Client(clientId: "alice"), "t")); // no username at all
    }

    [Theory]
    [InlineData("""{clientid, "dev-1"}""")]
    [InlineData("""{client, "dev-1"}""")]
    [InlineData("""{clientid, {re, "^dev-[0-9]+$"}}""")]
    [InlineData("""{client, {re, "v-1"}}""")]
    public void Who_by_client_id(string who)
    {
        var acl = AclFile.Parse($$"""{allow, {{who}}, publish, ["t"]}.""", "acl.conf");

        Assert.Equal(AclDecision.Allow, acl.Publish(Client(clientId: "dev-1"), "t"));
        Assert.Equal(AclDecision.NoMatch, acl.Publish(Client(clientId: "other", username: "dev-1"), "t"));
    }

    [Fact]
    public void A_username_is_compared_exactly_and_a_regex_is_found_anywhere_unless_anchored()
    {
        var exact = AclFile.Parse("""{allow, {username, "Al"}, publish, ["t"]}.""", "acl.conf");
        var regex = AclFile.Parse("""{allow, {username, {re, "l"}}, publish, ["t"]}.""", "acl.conf");

        Assert.Equal(AclDecision.NoMatch, exact.Publish(Client(username: "al"), "t"));
        Assert.Equal(AclDecision.NoMatch, exact.Publish(Client(username: "Alice"), "t"));
        Assert.Equal(AclDecision.Allow, regex.Publish(Client(username: "Alice"), "t"));
    }

    [Theory]
    [InlineData("""{ipaddr, "10.0.0.0/8"}""", "10.200.1.2", true)]
    [InlineData("""{ipaddr, "10.0.0.0/8"}""", "11.0.0.1", false)]
    [InlineData("""{ipaddr, "10.1.2.3/16"}""", "10.1.99.1", true)] // host bits cleared, as esockd_cidr does
    [InlineData("""{ipaddr, "192.168.1.5"}""", "192.168.1.5", true)]
    [InlineData("""{ipaddr, "192.168.1.5"}""", "192.168.1.6", false)]
    [InlineData("""{ipaddr, "192.168.1.5"}""", "::ffff:192.168.1.5", true)] // an IPv4 client on a dual-stack listener
    [InlineData("""{ipaddr, "0.0.0.0/0"}""", "8.8.8.8", true)]
    [InlineData("""{ipaddr, "0.0.0.0/0"}""", "2001:db8::1", false)]
    [InlineData("""{ipaddr, "2001:db8::/32"}""", "2001:db8:ffff::1", true)]
    [InlineData("""{ipaddr, "2001:db8::/32"}""", "2001:db9::1", false)]
    [InlineData("""{ipaddr, "::1"}""", "::1", true)]
    [InlineData("""{ipaddr, "fe80::/10"}""", "10.0.0.1", false)]
    [InlineData("""{ipaddrs, ["10.0.0.0/8", "fd00::/8"]}""", "fd12::5", true)]
    [InlineData("""{ipaddrs, ["10.0.0.0/8", "fd00::/8"]}""", "10.9.9.9", true)]
    [InlineData("""{ipaddrs, ["10.0.0.0/8", "fd00::/8"]}""", "172.16.0.1", false)]
    public void Who_by_address(string who, string peer, bool matches)
    {
        var acl = AclFile.Parse($$"""{allow, {{who}}, publish, ["t"]}.""", "acl.conf");

        Assert.Equal(matches ? AclDecision.Allow : AclDecision.NoMatch, acl.Publish(Client(address: peer), "t"));
    }

    [Fact]
    public void A_client_without_an_address_matches_no_address_rule()
    {
        var acl = AclFile.Parse("""{allow, {ipaddr, "0.0.0.0/0"}, publish, ["t"]}.""", "acl.conf");

        Assert.Equal(AclDecision.NoMatch, acl.Publish(Client(), "t"));
    }

    [Fact]
    public void Who_and_or_combine_conditions()
    {
        var acl = AclFile.Parse(
            """
            {allow, {'and', [{username, "u"}, {ipaddr, "10.0.0.0/8"}]}, publish, ["and"]}.
            {allow, {'or', [{clientid, "c9"}, {username, {re, "^admin"}}]}, publish, ["or"]}.
            {allow, {'or', [{'and', [{user, "x"}, {client, "y"}]}, {ipaddrs, ["::1"]}]}, publish, ["nested"]}.
            """,
            "acl.conf");

        Assert.Equal(AclDecision.Allow, acl.Publish(Client(username: "u", address: "10.1.1.1"), "and"));
        Assert.Equal(AclDecision.NoMatch, acl.Publish(Client(username: "u", address: "11.1.1.1"), "and"));
        Assert.Equal(AclDecision.NoMatch, acl.Publish(Client(username: "v", address: "10.1.1.1"), "and"));
        Assert.Equal(AclDecision.Allow, acl.Publish(Client(clientId: "c9"), "or"));
        Assert.Equal(AclDecision.Allow, acl.Publish(Client(username: "admin1"), "or"));
        Assert.Equal(AclDecision.NoMatch, acl.Publish(Client(username: "user"), "or"));
        Assert.Equal(AclDecision.Allow, acl.Publish(Client(clientId: "y", username: "x"), "nested"));
        Assert.Equal(AclDecision.Allow, acl.Publish(Client(address: "::1"), "nested"));
        Assert.Equal(AclDecision.NoMatch, acl.Publish(Client(clientId: "y"), "nested"));
    }

    [Fact]
    public void Bare_and_or_atoms_are_read_like_quoted_ones()
    {
        var acl = AclFile.Parse("""{allow, {and, [{username, "u"}]}, publish, ["t"]}.""", "acl.conf");

        Assert.Equal(AclDecision.Allow, acl.Publish(Client(username: "u"), "t"));
    }

    [Fact]
    public void Empty_and_holds_and_empty_or_does_not_as_in_emqx()
    {
        var acl = AclFile.Parse("""{allow, {'or', []}, publish, ["t"]}. {deny, {'and', []}, publish, ["t"]}.""", "acl.conf");

        Assert.Equal(AclDecision.Deny, acl.Publish(Client(), "t"));
    }

    [Theory]
    [InlineData("publish", true, true, false)]
    [InlineData("subscribe", false, false, true)]
    [InlineData("all", true, true, true)]
    [InlineData("{publish, [{qos, 1}]}", false, true, false)]
    [InlineData("{publish, [{qos, [0, 1]}]}", true, true, false)]
    [InlineData("{publish, [{qos, 0}, {qos, 1}]}", true, true, false)] // repeated options add up, as proplists:get_all_values
    [InlineData("{publish, [{retain, true}]}", false, true, false)]
    [InlineData("{publish, [{qos, [0, 1]}, {retain, false}]}", true, false, false)]
    [InlineData("{publish, [{retain, all}]}", true, true, false)]
    [InlineData("{publish, []}", true, true, false)]
    [InlineData("{subscribe, [{qos, 1}]}", false, false, true)]
    [InlineData("{subscribe, [{qos, [0, 2]}]}", false, false, false)]
    [InlineData("{all, [{qos, 1}]}", false, true, true)]
    [InlineData("{all, [{qos, 1}, {retain, true}]}", false, true, true)] // a SUBSCRIBE is checked on its QoS only
    public void Action_forms(string action, bool qos0Publish, bool qos1RetainedPublish, bool qos1Subscribe)
    {
        var acl = AclFile.Parse($$"""{allow, all, {{action}}, ["t"]}.""", "acl.conf");
        var client = Client();

        Assert.Equal(Decision(qos0Publish), acl.Publish(client, "t"));
        Assert.Equal(Decision(qos1RetainedPublish), acl.Publish(client, "t", QualityOfService.AtLeastOnce, retain: true));
        Assert.Equal(Decision(qos1Subscribe), acl.Subscribe(client, "t", QualityOfService.AtLeastOnce));
    }

    [Fact]
    public void Topics_all_matches_every_topic_including_dollar_ones()
    {
        var acl = AclFile.Parse("{allow, {username, \"u\"}, publish, all}.", "acl.conf");

        Assert.Equal(AclDecision.Allow, acl.Publish(Client(username: "u"), "$SYS/x"));
        Assert.Equal(AclDecision.NoMatch, acl.Publish(Client(username: "v"), "a"));
    }

    [Fact]
    public void Topic_eq_forms_match_only_the_literal_string()
    {
        var acl = AclFile.Parse("""{deny, all, subscribe, [{eq, "a/#"}, "eq b/+"]}.""", "acl.conf");
        var client = Client();

        Assert.Equal(AclDecision.Deny, acl.Subscribe(client, "a/#"));
        Assert.Equal(AclDecision.Deny, acl.Subscribe(client, "b/+"));
        Assert.Equal(AclDecision.NoMatch, acl.Subscribe(client, "a/b"));
        Assert.Equal(AclDecision.NoMatch, acl.Subscribe(client, "b/c"));
    }

    [Fact]
    public void Rules_keep_their_line_numbers()
    {
        var acl = AclFile.Parse("%% header\n\n{allow, all, publish, [\"a\"]}.\n{deny,\n all}.", "acl.conf");

        Assert.Equal([3, 4], acl.Rules.Select(r => r.Line));
    }

    [Fact]
    public void Load_reads_a_file_and_names_it_in_errors()
    {
        var path = Path.Combine(Path.GetTempPath(), $"acl-{Guid.NewGuid():N}.conf");
        try
        {
            File.WriteAllText(path, "{allow, all, publish, [\"a\"]}.\n{deny, nobody}.");
            var error = Assert.Throws<AclParseException>(() => AclFile.Load(path));
            Assert.Equal(path, error.SourceName);

            File.WriteAllText(path, "{allow, all, publish, [\"a\"]}.");
            var acl = AclFile.Load(path);
            Assert.Equal(path, acl.SourceName);
            Assert.Equal(AclDecision.Allow, acl.Publish(Client(), "a"));
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static AclDecision Decision(bool allowed) => allowed ? AclDecision.Allow : AclDecision.NoMatch;
}
