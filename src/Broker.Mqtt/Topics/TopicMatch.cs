namespace Broker.Mqtt.Topics;

/// <summary>
/// Whether one topic filter matches one topic name, level by level (4.7), for what asks it of a single pair off the hot
/// path (an API's filter, a trace, the bench's predictions); routing matches every filter at once in its trie.
/// </summary>
public static class TopicMatch
{
    /// <summary>
    /// <c>+</c> matches one level, <c>#</c> the rest including the parent level [MQTT-4.7.1-2], and a topic starting with
    /// <c>$</c> is not matched by a filter starting with a wildcard [MQTT-4.7.2-1].
    /// </summary>
    public static bool Matches(string filter, string topic)
    {
        ArgumentNullException.ThrowIfNull(filter);
        ArgumentNullException.ThrowIfNull(topic);
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
