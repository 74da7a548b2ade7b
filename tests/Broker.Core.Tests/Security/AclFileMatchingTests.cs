using Broker.Core.Security.Authorization;
using Broker.Mqtt;
using static Broker.Core.Tests.Security.AclTestClients;

namespace Broker.Core.Tests.Security;

/// <summary>How an ACL file decides: first match, placeholders, publish against subscribe, shared subscriptions.</summary>
public sealed class AclFileMatchingTests
{
    private const string FactoryAcl = """
        {allow, {username, {re, "^line1-"}}, publish, ["plant/${username}/#"]}.
        {allow, all, subscribe, ["plant/+/commands/${clientid}"]}.
        {deny, all}.
        """;

    [Fact]
    public void Factory_acl_lets_each_line_publish_under_its_name_and_subscribe_to_its_commands()
    {
        var acl = AclFile.Parse(FactoryAcl, "factory.conf");
        var press = Client(clientId: "press-7", username: "line1-press");
        var stranger = Client(clientId: "s", username: "line2-robot");

        Assert.Equal(AclDecision.Allow, acl.Publish(press, "plant/line1-press/temperature"));
        Assert.Equal(AclDecision.Allow, acl.Publish(press, "plant/line1-press", QualityOfService.AtLeastOnce, retain: true));
        Assert.Equal(AclDecision.Deny, acl.Publish(press, "plant/line1-other/temperature"));
        Assert.Equal(AclDecision.Deny, acl.Publish(stranger, "plant/line2-robot/temperature"));
        Assert.Equal(AclDecision.Allow, acl.Subscribe(press, "plant/+/commands/press-7"));
        Assert.Equal(AclDecision.Allow, acl.Subscribe(press, "plant/hall-a/commands/press-7"));
        Assert.Equal(AclDecision.Deny, acl.Subscribe(press, "plant/+/commands/+"));
        Assert.Equal(AclDecision.Deny, acl.Subscribe(press, "plant/#"));
        Assert.Equal(AclDecision.Deny, acl.Subscribe(press, "plant/line1-press/#")); // publish rights do not let it read
        Assert.Equal(AclDecision.Deny, acl.Publish(press, "plant/x/commands/press-7"));
    }

    [Fact]
    public void The_first_matching_rule_decides()
    {
        var denyFirst = AclFile.Parse("""{deny, all, publish, ["a/secret"]}. {allow, all, publish, ["a/#"]}.""", "acl.conf");
        var allowFirst = AclFile.Parse("""{allow, all, publish, ["a/#"]}. {deny, all, publish, ["a/secret"]}.""", "acl.conf");

        Assert.Equal(AclDecision.Deny, denyFirst.Publish(Client(), "a/secret"));
        Assert.Equal(AclDecision.Allow, denyFirst.Publish(Client(), "a/public"));
        Assert.Equal(AclDecision.Allow, allowFirst.Publish(Client(), "a/secret"));
    }

    [Fact]
    public void A_rule_for_another_action_or_client_is_passed_over()
    {
        var acl = AclFile.Parse(
            """
            {deny, all, subscribe, ["a/#"]}.
            {deny, {username, "other"}, publish, ["a/#"]}.
            {allow, all, publish, ["a/#"]}.
            """,
            "acl.conf");

        Assert.Equal(AclDecision.Allow, acl.Publish(Client(username: "me"), "a/b"));
        Assert.Equal(AclDecision.Deny, acl.Publish(Client(username: "other"), "a/b"));
    }

    [Fact]
    public void No_matching_rule_is_no_match()
    {
        var acl = AclFile.Parse("""{allow, all, publish, ["a/#"]}.""", "acl.conf");

        Assert.Equal(AclDecision.NoMatch, acl.Publish(Client(), "b"));
        Assert.Equal(AclDecision.NoMatch, acl.Subscribe(Client(), "a/#"));
    }

    [Fact]
    public void A_subscription_must_be_covered_by_the_rule_not_merely_overlap_it()
    {
        var acl = AclFile.Parse("""{allow, all, subscribe, ["a/+", "b/#"]}.""", "acl.conf");
        var client = Client();

        Assert.Equal(AclDecision.Allow, acl.Subscribe(client, "a/x"));
        Assert.Equal(AclDecision.Allow, acl.Subscribe(client, "a/+"));
        Assert.Equal(AclDecision.NoMatch, acl.Subscribe(client, "a/#"));
        Assert.Equal(AclDecision.NoMatch, acl.Subscribe(client, "#"));
        Assert.Equal(AclDecision.Allow, acl.Subscribe(client, "b/+/c/#"));
        Assert.Equal(AclDecision.Allow, acl.Subscribe(client, "b"));
    }

    [Fact]
    public void Dollar_topics_need_a_rule_that_names_them()
    {
        var acl = AclFile.Parse("""{allow, all, all, ["#", "+/status"]}. {allow, {username, "ops"}, subscribe, ["$SYS/#"]}.""", "acl.conf");

        Assert.Equal(AclDecision.NoMatch, acl.Publish(Client(), "$SYS/broker/uptime"));
        Assert.Equal(AclDecision.NoMatch, acl.Publish(Client(), "$SYS/status"));
        Assert.Equal(AclDecision.NoMatch, acl.Subscribe(Client(), "$SYS/#"));
        Assert.Equal(AclDecision.Allow, acl.Subscribe(Client(username: "ops"), "$SYS/#"));
        Assert.Equal(AclDecision.Allow, acl.Publish(Client(), "x/status"));
    }

    [Fact]
    public void Eq_matches_the_literal_filter_only_and_takes_no_placeholders()
    {
        var acl = AclFile.Parse("""{allow, all, all, [{eq, "a/+"}, {eq, "u/${username}"}]}.""", "acl.conf");
        var client = Client(username: "bob");

        Assert.Equal(AclDecision.Allow, acl.Subscribe(client, "a/+"));
        Assert.Equal(AclDecision.NoMatch, acl.Subscribe(client, "a/b"));
        Assert.Equal(AclDecision.NoMatch, acl.Publish(client, "a/b"));
        Assert.Equal(AclDecision.NoMatch, acl.Publish(client, "u/bob"));
        Assert.Equal(AclDecision.Allow, acl.Publish(client, "u/${username}"));
    }

    [Theory]
    [InlineData("$share/workers/jobs/#", AclDecision.Allow)]
    [InlineData("$queue/jobs/+", AclDecision.Allow)]
    [InlineData("$share/workers/other", AclDecision.NoMatch)]
    [InlineData("$share/jobs/x", AclDecision.NoMatch)] // the group name is not part of the filter
    public void A_shared_subscription_is_decided_on_its_filter(string filter, AclDecision expected)
    {
        var acl = AclFile.Parse("""{allow, all, subscribe, ["jobs/#"]}.""", "acl.conf");

        Assert.Equal(expected, acl.Subscribe(Client(), filter));
    }

    [Fact]
    public void Publishing_to_a_topic_that_looks_shared_is_not_unwrapped()
    {
        var acl = AclFile.Parse("""{allow, all, publish, ["jobs/#"]}.""", "acl.conf");

        Assert.Equal(AclDecision.NoMatch, acl.Publish(Client(), "$share/g/jobs/x"));
    }

    [Theory]
    [InlineData("users/${username}/#", "users/bob/x", true)]
    [InlineData("users/%u/#", "users/bob/x", true)]
    [InlineData("users/${username}/#", "users/alice/x", false)]
    [InlineData("devices/${clientid}/up", "devices/c-1/up", true)]
    [InlineData("devices/%c/up", "devices/c-1/up", true)]
    [InlineData("certs/${cert_common_name}", "certs/bob.example", true)]
    [InlineData("${clientid}-${username}/+", "c-1-bob/x", true)]
    [InlineData("100%/x", "100%/x", true)] // a '%' followed by neither u nor c is text
    public void Placeholders_are_rendered_for_the_client(string filter, string topic, bool matches)
    {
        var acl = AclFile.Parse($$"""{allow, all, publish, ["{{filter}}"]}.""", "acl.conf");
        var client = Client(clientId: "c-1", username: "bob", commonName: "bob.example");

        Assert.Equal(matches ? AclDecision.Allow : AclDecision.NoMatch, acl.Publish(client, topic));
    }

    [Fact]
    public void A_rule_whose_placeholder_has_no_value_does_not_match()
    {
        var acl = AclFile.Parse(
            """
            {deny, all, publish, ["users/${username}/#"]}.
            {deny, all, publish, ["certs/${cert_common_name}/#"]}.
            {allow, all}.
            """,
            "acl.conf");
        var anonymous = Client();

        Assert.Equal(AclDecision.Allow, acl.Publish(anonymous, "users//x"));
        Assert.Equal(AclDecision.Allow, acl.Publish(anonymous, "certs//x"));
        Assert.Equal(AclDecision.Allow, acl.Publish(Client(username: ""), "users//x"));
        Assert.Equal(AclDecision.Deny, acl.Publish(Client(username: "u"), "users/u/x"));
    }

    [Theory]
    [InlineData("+")]
    [InlineData("#")]
    [InlineData("a/b")]
    public void A_placeholder_value_with_a_wildcard_or_separator_does_not_widen_the_rule(string username)
    {
        var acl = AclFile.Parse("""{allow, all, all, ["users/${username}/#"]}.""", "acl.conf");
        var client = Client(username: username);

        Assert.Equal(AclDecision.NoMatch, acl.Subscribe(client, "users/+/#"));
        Assert.Equal(AclDecision.NoMatch, acl.Publish(client, "users/a/b/c"));
    }

    [Fact]
    public void A_regex_that_runs_out_of_time_denies()
    {
        var acl = AclFile.Parse("""{allow, {username, {re, "^(a+)+$"}}, publish, ["t"]}. {allow, all}.""", "acl.conf");
        var evil = Client(username: new string('a', 5000) + "!");

        Assert.Equal(AclDecision.Deny, acl.Publish(evil, "t"));
    }
}
