using System.Text.RegularExpressions;
using Broker.Mqtt;

namespace Broker.Core.Security.Authorization;

/// <summary>
/// Rules asked in order, the first that matches deciding: what an ACL file, a token's claim and a database's rows
/// all do with theirs. A SUBSCRIBE to <c>$share/{group}/{filter}</c> or <c>$queue/{filter}</c> is checked on its
/// filter. A regex that runs past its time limit denies: a rule that cannot be evaluated must not let a later one allow.
/// </summary>
internal static class AclRules
{
    /// <returns>The first matching rule's permission, or <see cref="AclDecision.NoMatch"/>.</returns>
    public static AclDecision FirstMatch(IReadOnlyList<AclRule> rules, ClientInfo client, AclAction action, string topic, QualityOfService qos, bool retain)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(topic);
        var requested = action == AclAction.Subscribe ? AclTopicMatch.SubscribedFilter(topic) : topic;
        try
        {
            for (var i = 0; i < rules.Count; i++)
            {
                if (rules[i].Matches(client, action, requested, qos, retain))
                {
                    return rules[i].Permission;
                }
            }
        }
        catch (RegexMatchTimeoutException)
        {
            return AclDecision.Deny;
        }

        return AclDecision.NoMatch;
    }
}
