using Broker.Mqtt.Topics;

namespace Broker.Core.Security.Authorization;

/// <summary>
/// Whether a rule's topic filter covers what a client asks for. For a PUBLISH that is a topic name, and covering is
/// matching (4.7); for a SUBSCRIBE it is a filter, covered when every topic it can match is matched by the rule's
/// filter: <c>a/#</c> covers <c>a/b/+</c> and <c>a/#</c>, <c>a/+</c> covers <c>a/b</c> and <c>a/+</c> but not
/// <c>a/#</c>. One walk does both, because a topic name is a filter without wildcards.
/// </summary>
internal static class AclTopicMatch
{
    /// <summary>[MQTT-4.7.2-1] a leading wildcard does not reach a topic starting with '$'.</summary>
    public static bool Covers(ReadOnlySpan<char> ruleFilter, ReadOnlySpan<char> requested)
    {
        if (requested.StartsWith('$') && (ruleFilter.StartsWith('+') || ruleFilter.StartsWith('#')))
        {
            return false;
        }

        while (true)
        {
            var ruleSlash = ruleFilter.IndexOf('/');
            var ruleLevel = ruleSlash < 0 ? ruleFilter : ruleFilter[..ruleSlash];
            if (ruleLevel is "#")
            {
                return true;
            }

            var slash = requested.IndexOf('/');
            var level = slash < 0 ? requested : requested[..slash];
            if (ruleLevel is "+" ? level is "#" : !ruleLevel.SequenceEqual(level))
            {
                return false;
            }

            if (ruleSlash < 0)
            {
                return slash < 0;
            }

            if (slash < 0)
            {
                // '#' also matches its parent level: a/# covers a.
                return ruleFilter[(ruleSlash + 1)..] is "#";
            }

            ruleFilter = ruleFilter[(ruleSlash + 1)..];
            requested = requested[(slash + 1)..];
        }
    }

    /// <summary>
    /// The filter a subscription is authorized on: <c>$share/{group}/{filter}</c> and <c>$queue/{filter}</c> on their
    /// filter, as EMQX does, so that a rule about <c>a/#</c> also governs who may share it.
    /// </summary>
    public static ReadOnlySpan<char> SubscribedFilter(ReadOnlySpan<char> filter)
    {
        if (filter.StartsWith(TopicValidator.SharePrefix, StringComparison.Ordinal))
        {
            var rest = filter[TopicValidator.SharePrefix.Length..];
            var slash = rest.IndexOf('/');
            return slash < 0 ? filter : rest[(slash + 1)..];
        }

        return filter.StartsWith(TopicValidator.QueuePrefix, StringComparison.Ordinal)
            ? filter[TopicValidator.QueuePrefix.Length..]
            : filter;
    }
}
