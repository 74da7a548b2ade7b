namespace Broker.Core.Security.Authorization;

/// <summary>One entry of a rule's topic list. <paramref name="requested"/> is the topic name of a PUBLISH or the
/// filter of a SUBSCRIBE, the latter without its <c>$share/{group}/</c> or <c>$queue/</c> prefix.</summary>
internal abstract class TopicCondition
{
    public abstract bool Matches(ClientInfo client, ReadOnlySpan<char> requested);
}

/// <summary>The topic list <c>all</c> of <c>{allow, all}</c>: every topic, '$' ones too (unlike <c>"#"</c>).</summary>
internal sealed class AnyTopic : TopicCondition
{
    public static readonly AnyTopic Instance = new();

    public override bool Matches(ClientInfo client, ReadOnlySpan<char> requested) => true;
}

/// <summary><c>{eq, "t"}</c>: that exact string, its '+' and '#' literal, so a rule can name the subscription <c>#</c> itself.</summary>
internal sealed class ExactTopic(string topic) : TopicCondition
{
    public override bool Matches(ClientInfo client, ReadOnlySpan<char> requested) => requested.SequenceEqual(topic);
}

/// <summary>A filter without placeholders.</summary>
internal sealed class FilterTopic(string filter) : TopicCondition
{
    public override bool Matches(ClientInfo client, ReadOnlySpan<char> requested) => AclTopicMatch.Covers(filter, requested);
}

/// <summary>A filter with placeholders, rendered for the client on each check.</summary>
internal sealed class TemplateTopic(TopicTemplate template) : TopicCondition
{
    public override bool Matches(ClientInfo client, ReadOnlySpan<char> requested) =>
        template.TryRender(client) is { } filter && AclTopicMatch.Covers(filter, requested);
}
