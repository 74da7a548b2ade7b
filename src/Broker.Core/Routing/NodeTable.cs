namespace Broker.Core.Routing;

/// <summary>
/// The node table: topic filter to the set of nodes that have subscribers for it (and the other nodes' shared
/// groups on it, and the nodes among them whose subscribers include durable sessions), with the filters in a
/// <see cref="TopicTrie{TValue}"/> so that a publish finds the matching routes without scanning. This is the part a
/// cluster replicates; which local sessions subscribed lives in the local table. A filter whose last node leaves is
/// removed from the trie.
/// </summary>
public sealed class NodeTable
{
    private readonly TopicTrie<Route> _trie = new();
    private readonly Lock _lock = new();
    private readonly Dictionary<string, string[]> _singleNodeArrays = new(StringComparer.Ordinal);
    private int _routeCount;

    /// <summary>How many filters have at least one node.</summary>
    public int FilterCount => _trie.Count;

    /// <summary>How many (filter, node) pairs are stored, a node's shared groups on a filter each counted.</summary>
    public int RouteCount => Volatile.Read(ref _routeCount);

    /// <summary>Visits every route whose filter matches the topic; lock-free.</summary>
    public void Match<TVisitor>(ReadOnlySpan<char> topic, ref TVisitor visitor)
        where TVisitor : ITopicVisitor<Route>, allows ref struct =>
        _trie.Match(topic, ref visitor);

    public Route? Find(string filter) => _trie.Find(filter);

    /// <summary>Every route, in no particular order; a walk of the whole table, for listings (the management API's topics).</summary>
    public IEnumerable<Route> Routes() => _trie.Values();

    /// <summary>Returns false when the node already had the route.</summary>
    public bool Add(string filter, string node) => Change(filter, route => route.AddNode(node, SingleNodeArray(node)), adds: true, counted: 1);

    /// <summary>Returns false when the node had no such route.</summary>
    public bool Remove(string filter, string node) => Change(filter, route => route.RemoveNode(node), adds: false, counted: 1);

    /// <summary>Another node has members of the shared group on the filter. Returns false when already known.</summary>
    public bool AddShared(string filter, string group, string node) => Change(filter, route => route.AddSharedNode(group, node), adds: true, counted: 1);

    /// <summary>Returns false when the node had no members of the group on the filter.</summary>
    public bool RemoveShared(string filter, string group, string node) => Change(filter, route => route.RemoveSharedNode(group, node), adds: false, counted: 1);

    /// <summary>Another node's plain subscribers of the filter include a durable session (<see cref="DurableRoute"/>). Returns false when already known.</summary>
    public bool AddDurable(string filter, string node) => Change(filter, route => route.AddDurableNode(node), adds: true, counted: 0);

    /// <summary>Returns false when the node had no durable route for the filter.</summary>
    public bool RemoveDurable(string filter, string node) => Change(filter, route => route.RemoveDurableNode(node), adds: false, counted: 0);

    /// <param name="counted">How many routes a change is in <see cref="RouteCount"/>: a durable route is a mark on its node's route, none.</param>
    private bool Change(string filter, Func<Route, bool> change, bool adds, int counted)
    {
        lock (_lock)
        {
            var route = _trie.Find(filter);
            if (route is null)
            {
                if (!adds)
                {
                    return false;
                }

                route = new Route(filter);
                _trie.TryAdd(filter, route);
            }

            var changed = change(route);
            if (changed)
            {
                _routeCount += adds ? counted : -counted;
            }

            if (route.IsEmpty)
            {
                _trie.Remove(filter);
            }

            return changed;
        }
    }

    /// <summary>Whether removing every route also unlinked every trie node.</summary>
    internal bool IsPruned => _trie.IsPruned;

    /// <summary>Most routes have one node: they share one array per node name instead of one each.</summary>
    private string[] SingleNodeArray(string node)
    {
        if (!_singleNodeArrays.TryGetValue(node, out var array))
        {
            array = [node];
            _singleNodeArrays[node] = array;
        }

        return array;
    }
}
