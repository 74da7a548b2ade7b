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

    /// <summary>"$share/{group}/{filter}": a group's route as the cluster replicates it, <c>$queue</c> included.</summary>
    public static string Format(string group, string topicFilter) =>
        string.Concat(TopicValidator.SharePrefix, group, "/", topicFilter);

    /// <summary>Whether <paramref name="shared"/> is <see cref="Format"/>(group, topicFilter), without making that string.</summary>
    public static bool Names(string shared, string group, string topicFilter) =>
        shared.Length == TopicValidator.SharePrefix.Length + group.Length + 1 + topicFilter.Length
        && shared.StartsWith(TopicValidator.SharePrefix, StringComparison.Ordinal)
        && shared.AsSpan(TopicValidator.SharePrefix.Length, group.Length).SequenceEqual(group)
        && shared[TopicValidator.SharePrefix.Length + group.Length] == '/'
        && shared.AsSpan(TopicValidator.SharePrefix.Length + group.Length + 1).SequenceEqual(topicFilter);
}
