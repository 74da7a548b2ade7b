using Broker.Core.Routing;

namespace Broker.Core.Tests.Routing;

/// <summary>Collects the filters a topic matched in a trie that stores each filter as its own value.</summary>
internal struct TopicMatchCollector() : ITopicVisitor<string>
{
    public List<string> Matched { get; } = [];

    public readonly void Visit(string value) => Matched.Add(value);

    public static List<string> Match(TopicTrie<string> trie, string topic)
    {
        var collector = new TopicMatchCollector();
        trie.Match(topic, ref collector);
        return collector.Matched;
    }
}
