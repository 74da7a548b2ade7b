using System.Text.Json;
using Broker.Core.Security;
using Broker.Core.Security.Authorization;
using Broker.Core.Security.Authorization.BuiltIn;
using Broker.Mqtt;

namespace Broker.Core.Tests.Security;

/// <summary>The built-in database's rules: username's first, then the client id's, then those for all; checked before they are stored.</summary>
public sealed class BuiltInAclTests
{
    private static readonly ClientInfo Press = new() { ClientId = "press-1", Username = "line1-press" };

    private static string Rules(params object[] rules) => JsonSerializer.Serialize(rules);

    private static object Rule(string permission, string topic, string action = "publish") => new { permission, action, topic };

    [Fact]
    public void The_username_rules_decide_before_the_client_ids_and_those_before_the_rules_for_all()
    {
        var acl = new BuiltInAcl(maxRules: 10);
        acl.Apply(BuiltInAcl.UsernameKey("line1-press"), Rules(Rule("allow", "plant/line1/${username}/#")));
        acl.Apply(BuiltInAcl.ClientIdKey("press-1"), Rules(Rule("deny", "plant/line1/#")));
        acl.Apply(BuiltInAcl.AllKey, Rules(Rule("allow", "plant/#")));
        var view = acl.For(Press);

        Assert.Equal(AclDecision.Allow, view.Check(Press, AclAction.Publish, "plant/line1/line1-press/state", QualityOfService.AtLeastOnce, false));
        Assert.Equal(AclDecision.Deny, view.Check(Press, AclAction.Publish, "plant/line1/other/state", QualityOfService.AtLeastOnce, false));
        Assert.Equal(AclDecision.Allow, view.Check(Press, AclAction.Publish, "plant/line2/x", QualityOfService.AtLeastOnce, false));
        Assert.Equal(AclDecision.NoMatch, view.Check(Press, AclAction.Publish, "office/x", QualityOfService.AtLeastOnce, false));
        var other = new ClientInfo { ClientId = "press-2", Username = "line2-press" };
        Assert.Equal(AclDecision.Allow, acl.Check(other, AclAction.Publish, "plant/line1/other/state", QualityOfService.AtMostOnce, false));

        acl.Apply(BuiltInAcl.ClientIdKey("press-1"), null);
        Assert.Equal(AclDecision.Allow, view.Check(Press, AclAction.Publish, "plant/line1/other/state", QualityOfService.AtLeastOnce, false));
    }

    [Fact]
    public void Rules_that_do_not_read_or_are_too_many_are_refused_before_they_are_stored()
    {
        var acl = new BuiltInAcl(maxRules: 2);
        using var three = JsonDocument.Parse(Rules(Rule("allow", "a"), Rule("allow", "b"), Rule("allow", "c")));
        using var bad = JsonDocument.Parse(Rules(Rule("allow", "a"), new { permission = "allow", action = "publish" }));
        using var notList = JsonDocument.Parse("""{"permission": "allow"}""");

        Assert.Contains("at most 2", Assert.Throws<FormatException>(() => acl.Encode(three.RootElement)).Message, StringComparison.Ordinal);
        Assert.Contains("rule 2", Assert.Throws<FormatException>(() => acl.Encode(bad.RootElement)).Message, StringComparison.Ordinal);
        Assert.Throws<FormatException>(() => acl.Encode(notList.RootElement));
        Assert.Throws<FormatException>(() => acl.Apply(BuiltInAcl.AllKey, "[{"));
    }
}
