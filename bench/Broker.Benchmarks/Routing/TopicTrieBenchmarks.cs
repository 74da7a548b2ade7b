using BenchmarkDotNet.Attributes;
using Broker.Core.Routing;

namespace Broker.Benchmarks.Routing;

/// <summary>
/// Matching one topic name against the node table's trie of about a million filters, as every
/// PUBLISH does before the local table is read. The table is built once in GlobalSetup, outside
/// the measurement; the visitor only counts the routes, so the figures are the trie's own cost.
/// Memory of the built table: the <c>trie-memory</c> command (<see cref="TrieMemory"/>).
/// </summary>
[MemoryDiagnoser]
public class TopicTrieBenchmarks
{
    private NodeTable _table = null!;

    [Params(TrieShape.Exact, TrieShape.Mixed)]
    public TrieShape Shape { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _table = TrieFilters.Build(Shape);
        if (Count(TrieFilters.HitTopic) == 0 || Count(TrieFilters.MissTopic) != 0)
        {
            throw new InvalidOperationException("The hit topic must match and the miss topic must not.");
        }
    }

    [Benchmark]
    public int Hit() => Count(TrieFilters.HitTopic);

    [Benchmark]
    public int Miss() => Count(TrieFilters.MissTopic);

    private int Count(string topic)
    {
        var visitor = new RouteCounter();
        _table.Match(topic, ref visitor);
        return visitor.Routes;
    }

    private struct RouteCounter : ITopicVisitor<Route>
    {
        public int Routes;

        public void Visit(Route route) => Routes++;
    }
}
