namespace Broker.Host.Bench;

/// <summary>Topic names and filters of a bench run: <c>%i</c> templates and the MQTT matching rule, to predict deliveries.</summary>
public static class TopicFilter
{
    /// <summary><c>%i</c> becomes the client's index within its role (0-based).</summary>
    public static string Expand(string template, int index) =>
        template.Replace("%i", index.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);

    /// <summary>
    /// Whether <paramref name="filter"/> matches <paramref name="topic"/>: <c>+</c> matches one level, <c>#</c> the
    /// rest including the parent level [MQTT-4.7.1-2], and a topic starting with <c>$</c> is not matched by a filter
    /// starting with a wildcard [MQTT-4.7.2-1]. Shared subscriptions (<c>$share/</c>) match nothing here: their
    /// messages are split among the group, so no one subscriber can expect them all.
    /// </summary>
    public static bool Matches(string filter, string topic)
    {
        if (filter.StartsWith("$share/", StringComparison.Ordinal))
            return false;
        if (topic.StartsWith('$') && (filter.StartsWith('+') || filter.StartsWith('#')))
            return false;
        var filterLevels = filter.Split('/');
        var topicLevels = topic.Split('/');
        for (var i = 0; i < filterLevels.Length; i++)
        {
            if (filterLevels[i] == "#")
                return true;
            if (i >= topicLevels.Length)
                return false;
            if (filterLevels[i] != "+" && filterLevels[i] != topicLevels[i])
                return false;
        }
        return filterLevels.Length == topicLevels.Length;
    }
}
