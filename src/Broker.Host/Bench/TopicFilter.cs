namespace Broker.Host.Bench;

/// <summary>Topic names and filters of a bench run: <c>%i</c> templates and the MQTT matching rule, to predict deliveries.</summary>
public static class TopicFilter
{
    /// <summary><c>%i</c> becomes the client's index within its role (0-based).</summary>
    public static string Expand(string template, int index) =>
        template.Replace("%i", index.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);

    /// <summary>
    /// Whether <paramref name="filter"/> matches <paramref name="topic"/> (<see cref="Broker.Mqtt.Topics.TopicMatch"/>). Shared subscriptions (<c>$share/</c>) match nothing here: their
    /// messages are split among the group, so no one subscriber can expect them all.
    /// </summary>
    public static bool Matches(string filter, string topic) =>
        !filter.StartsWith("$share/", StringComparison.Ordinal) && Broker.Mqtt.Topics.TopicMatch.Matches(filter, topic);
}
