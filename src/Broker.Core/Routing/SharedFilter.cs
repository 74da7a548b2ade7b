using Broker.Mqtt.Topics;

namespace Broker.Core.Routing;

/// <summary>
/// Splits a shared subscription's filter: <c>$share/{group}/{filter}</c> (4.8.2) and EMQX's
/// <c>$queue/{filter}</c>, which is one group named <c>$queue</c>.
/// </summary>
public static class SharedFilter
{
    public const string QueueGroup = "$queue";

    /// <summary>False for a plain filter (group null, topic filter the input). Expects a filter that passed validation.</summary>
    public static bool TryParse(string filter, out string? group, out string topicFilter)
    {
        if (filter.StartsWith(TopicValidator.SharePrefix, StringComparison.Ordinal))
        {
            var slash = filter.IndexOf('/', TopicValidator.SharePrefix.Length);
            if (slash > TopicValidator.SharePrefix.Length)
            {
                group = filter[TopicValidator.SharePrefix.Length..slash];
                topicFilter = filter[(slash + 1)..];
                return true;
            }
        }
        else if (filter.StartsWith(TopicValidator.QueuePrefix, StringComparison.Ordinal))
        {
            group = QueueGroup;
            topicFilter = filter[TopicValidator.QueuePrefix.Length..];
            return true;
        }

        group = null;
        topicFilter = filter;
        return false;
    }
}
