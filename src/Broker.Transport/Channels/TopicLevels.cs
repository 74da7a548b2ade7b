namespace Broker.Transport.Channels;

/// <summary>Counting the levels of a topic name or filter, for the broker's <c>MaxTopicLevels</c>.</summary>
internal static class TopicLevels
{
    /// <summary>One more than the number of '/' separators: "a", "a/b" and "/" have 1, 2 and 2 levels.</summary>
    public static int Count(ReadOnlySpan<char> topic) => topic.Count('/') + 1;
}
