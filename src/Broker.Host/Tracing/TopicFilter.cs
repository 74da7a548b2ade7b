namespace Broker.Host.Tracing;

/// <summary>Whether a topic filter matches a topic name, level by level (4.7): for traces, not for routing (which has its trie).</summary>
internal static class TopicFilter
{
    public static bool Matches(string filter, string topic)
    {
        // A filter starting with a wildcard does not match a '$' topic [MQTT-4.7.2-1].
        if (topic.StartsWith('$') && (filter.StartsWith('+') || filter.StartsWith('#')))
            return false;
        var filterLevels = filter.Split('/');
        var topicLevels = topic.Split('/');
        for (var i = 0; i < filterLevels.Length; i++)
        {
            if (filterLevels[i] == "#")
                return true;
            if (i >= topicLevels.Length || (filterLevels[i] != "+" && filterLevels[i] != topicLevels[i]))
                return false;
        }

        return filterLevels.Length == topicLevels.Length;
    }
}
