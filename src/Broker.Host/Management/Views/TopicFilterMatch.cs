namespace Broker.Host.Management.Views;

/// <summary>Whether a topic filter matches a topic name (4.7), for the listing's <c>match_topic</c>: level by level, off the hot path.</summary>
internal static class TopicFilterMatch
{
    public static bool Matches(string filter, string topic)
    {
        // [MQTT-4.7.2-1]: wildcards at the first level do not match topics starting with $.
        if (topic.StartsWith('$') && (filter.StartsWith('+') || filter.StartsWith('#')))
        {
            return false;
        }

        var filterLevels = filter.Split('/');
        var topicLevels = topic.Split('/');
        for (var i = 0; i < filterLevels.Length; i++)
        {
            if (filterLevels[i] == "#")
            {
                return true;
            }

            if (i >= topicLevels.Length || (filterLevels[i] != "+" && filterLevels[i] != topicLevels[i]))
            {
                return false;
            }
        }

        return filterLevels.Length == topicLevels.Length;
    }
}
