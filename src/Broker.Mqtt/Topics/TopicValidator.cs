namespace Broker.Mqtt.Topics;

/// <summary>
/// The syntax of topic names and filters (4.7) and of shared subscriptions (4.8.2). Pure checks on the
/// decoded string; limits that come from configuration (levels, length) belong to the channel.
/// </summary>
public static class TopicValidator
{
    public const string SharePrefix = "$share/";

    /// <summary>EMQX's older form of a shared subscription with no group name.</summary>
    public const string QueuePrefix = "$queue/";

    /// <summary>[MQTT-4.7.3-1] at least one character, [MQTT-3.3.2-2] no wildcard.</summary>
    public static bool IsValidTopicName(ReadOnlySpan<char> topic) => !topic.IsEmpty && topic.IndexOfAny('+', '#') < 0;

    /// <summary>
    /// [MQTT-4.7.1-1] '#' alone in the last level, [MQTT-4.7.1-2] '+' alone in its level,
    /// [MQTT-4.7.3-1] not empty, and for <c>$share/{group}/{filter}</c> [MQTT-4.8.2-1, 4.8.2-2]
    /// a group name without '/', '+' or '#' followed by a valid filter.
    /// </summary>
    public static bool IsValidFilter(ReadOnlySpan<char> filter)
    {
        if (filter.StartsWith(SharePrefix, StringComparison.Ordinal))
        {
            var rest = filter[SharePrefix.Length..];
            var slash = rest.IndexOf('/');
            if (slash <= 0)
            {
                return false;
            }

            var group = rest[..slash];
            return group.IndexOfAny('+', '#') < 0 && IsValidPlainFilter(rest[(slash + 1)..]);
        }

        if (filter.StartsWith(QueuePrefix, StringComparison.Ordinal))
        {
            return IsValidPlainFilter(filter[QueuePrefix.Length..]);
        }

        return IsValidPlainFilter(filter);
    }

    public static bool IsShared(ReadOnlySpan<char> filter) =>
        filter.StartsWith(SharePrefix, StringComparison.Ordinal) || filter.StartsWith(QueuePrefix, StringComparison.Ordinal);

    private static bool IsValidPlainFilter(ReadOnlySpan<char> filter)
    {
        if (filter.IsEmpty)
        {
            return false;
        }

        while (true)
        {
            var slash = filter.IndexOf('/');
            var level = slash < 0 ? filter : filter[..slash];
            if (level.Length > 1 && level.IndexOfAny('+', '#') >= 0)
            {
                return false;
            }

            if (level is "#" && slash >= 0)
            {
                return false;
            }

            if (slash < 0)
            {
                return true;
            }

            filter = filter[(slash + 1)..];
        }
    }
}
