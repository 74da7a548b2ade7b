using Broker.Mqtt;

namespace Broker.Core.Security.Authorization;

/// <summary>One compiled rule of an ACL file: <c>{Permission, Who, Action, Topics}</c>.</summary>
/// <param name="Line">Where the rule starts in its file, for logs and tests.</param>
internal sealed record AclRule(AclDecision Permission, ClientCondition Who, ActionCondition Action, IReadOnlyList<TopicCondition> Topics, int Line)
{
    /// <param name="requested">A topic name, or a filter already without its shared-subscription prefix.</param>
    public bool Matches(ClientInfo client, AclAction action, ReadOnlySpan<char> requested, QualityOfService qos, bool retain)
    {
        // Cheapest first, as EMQX does: the action, then the client, then the topics.
        if (!Action.Matches(action, qos, retain) || !Who.Matches(client))
        {
            return false;
        }

        foreach (var topic in Topics)
        {
            if (topic.Matches(client, requested))
            {
                return true;
            }
        }

        return false;
    }
}
