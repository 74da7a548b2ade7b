using Broker.Core.Routing;

namespace Broker.Core.Tests.Routing;

/// <summary>Wildcard semantics of 4.7 on the filter trie, with the specification's examples.</summary>
public sealed class TopicTrieTests
{
    [Theory]
    // 4.7.1.2 multi-level wildcard
    [InlineData("sport/tennis/player1/#", "sport/tennis/player1", true)] // '#' includes the parent level
    [InlineData("sport/tennis/player1/#", "sport/tennis/player1/ranking", true)]
    [InlineData("sport/tennis/player1/#", "sport/tennis/player1/score/wimbledon", true)]
    [InlineData("sport/tennis/player1/#", "sport/tennis/player2", false)]
    [InlineData("sport/tennis/player1/#", "sport/tennis", false)]
    [InlineData("sport/#", "sport", true)]
    [InlineData("#", "sport/tennis/player1", true)]
    [InlineData("#", "/", true)]
    // 4.7.1.3 single-level wildcard
    [InlineData("sport/tennis/+", "sport/tennis/player1", true)]
    [InlineData("sport/tennis/+", "sport/tennis/player2", true)]
    [InlineData("sport/tennis/+", "sport/tennis/player1/ranking", false)]
    [InlineData("sport/+", "sport", false)]
    [InlineData("sport/+", "sport/", true)] // '+' matches an empty level
    [InlineData("+/+", "/finance", true)]
    [InlineData("/+", "/finance", true)]
    [InlineData("+", "/finance", false)]
    [InlineData("+/tennis/#", "sport/tennis/player1", true)]
    [InlineData("sport/+/player1", "sport/tennis/player1", true)]
    [InlineData("+/+/+", "a/b/c", true)]
    [InlineData("+/+/+", "a/b", false)]
    [InlineData("+/#", "a", true)]
    // exact filters and empty levels
    [InlineData("a//b", "a//b", true)]
    [InlineData("a//b", "a/b", false)]
    [InlineData("a/+/b", "a//b", true)]
    [InlineData("/a", "/a", true)]
    [InlineData("/a", "a", false)]
    [InlineData("a/", "a/", true)]
    [InlineData("a/", "a", false)]
    [InlineData("a", "a/", false)]
    [InlineData("ACCOUNTS", "Accounts", false)] // 4.7.3: case sensitive
    [InlineData("a/b", "a/b/c", false)]
    [InlineData("a/b/c", "a/b", false)]
    public void Filter_matches_topic_as_section_4_7_says(string filter, string topic, bool matches)
    {
        var trie = new TopicTrie<string>();
        trie.TryAdd(filter, filter);

        Assert.Equal(matches ? [filter] : [], TopicMatchCollector.Match(trie, topic));
    }

    [Theory]
    [InlineData("#", "$SYS/monitor/Clients", false)]
    [InlineData("+/monitor/Clients", "$SYS/monitor/Clients", false)]
    [InlineData("+", "$SYS", false)]
    [InlineData("$SYS/#", "$SYS/", true)]
    [InlineData("$SYS/#", "$SYS", true)]
    [InlineData("$SYS/monitor/+", "$SYS/monitor/Clients", true)]
    [InlineData("a/#", "a/$b", true)] // the rule is about the first level only
    [InlineData("a/+", "a/$b", true)]
    public void MQTT_4_7_2_1_wildcard_first_level_does_not_match_dollar_topics(string filter, string topic, bool matches)
    {
        var trie = new TopicTrie<string>();
        trie.TryAdd(filter, filter);

        Assert.Equal(matches ? [filter] : [], TopicMatchCollector.Match(trie, topic));
    }

    [Fact]
    public void Every_matching_filter_is_visited_once()
    {
        var trie = new TopicTrie<string>();
        string[] filters = ["#", "a/#", "a/+/c", "a/b/c", "a/b/#", "+/b/c", "+/+/+", "a/b", "a/b/c/d", "b/#", "a/+"];
        foreach (var filter in filters)
        {
            trie.TryAdd(filter, filter);
        }

        var matched = TopicMatchCollector.Match(trie, "a/b/c");

        Assert.Equal(["#", "+/+/+", "+/b/c", "a/#", "a/+/c", "a/b/#", "a/b/c"], matched.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Many_siblings_beyond_the_small_array_are_found_and_removed()
    {
        var trie = new TopicTrie<string>();
        for (var i = 0; i < 100; i++)
        {
            trie.TryAdd($"m/{i}", $"m/{i}");
        }

        Assert.Equal(["m/42"], TopicMatchCollector.Match(trie, "m/42"));
        Assert.Empty(TopicMatchCollector.Match(trie, "m/100"));
        for (var i = 0; i < 100; i++)
        {
            Assert.True(trie.Remove($"m/{i}"));
        }

        Assert.True(trie.IsPruned);
    }

    [Fact]
    public void Adding_a_filter_twice_keeps_the_first_value()
    {
        var trie = new TopicTrie<string>();

        Assert.True(trie.TryAdd("a/+", "first"));
        Assert.False(trie.TryAdd("a/+", "second"));
        Assert.Equal("first", trie.Find("a/+"));
        Assert.Equal(1, trie.Count);
    }

    [Fact]
    public void Removing_the_last_filter_under_a_node_prunes_it()
    {
        var trie = new TopicTrie<string>();
        trie.TryAdd("a/b/c", "a/b/c");
        trie.TryAdd("a/b", "a/b");
        trie.TryAdd("a/+/#", "a/+/#");

        Assert.True(trie.Remove("a/b/c"));
        Assert.Null(trie.Find("a/b/c"));
        Assert.Equal(["a/+/#", "a/b"], TopicMatchCollector.Match(trie, "a/b").Order(StringComparer.Ordinal));
        Assert.False(trie.Remove("a/b/c"));
        Assert.False(trie.Remove("a"));
        Assert.True(trie.Remove("a/b"));
        Assert.True(trie.Remove("a/+/#"));

        Assert.Equal(0, trie.Count);
        Assert.True(trie.IsPruned);
    }

    [Fact]
    public void Matching_allocates_nothing()
    {
        var trie = new TopicTrie<string>();
        for (var i = 0; i < 50; i++)
        {
            trie.TryAdd($"plant/b{i}/line/+/temp", "x");
            trie.TryAdd($"plant/b{i}/#", "y");
        }

        var counter = new CountingVisitor();
        trie.Match("plant/b7/line/m3/temp", ref counter); // JIT first
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 100; i++)
        {
            trie.Match("plant/b7/line/m3/temp", ref counter);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.Equal(202, counter.Count);
    }

    private struct CountingVisitor : ITopicVisitor<string>
    {
        public int Count;

        public void Visit(string value) => Count++;
    }
}
