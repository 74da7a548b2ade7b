using Broker.Mqtt.Topics;

namespace Broker.Core.Routing;

/// <summary>
/// The topic filters of the node table, as a trie of their levels, matched against topic names.
///
/// <para><b>Shape.</b> A filter is split at '/' into levels; each level is one node below the previous
/// one, and the filter's value sits on the node of its last level. A '+' level is the node's
/// <c>Plus</c> child and a '#' level its <c>Hash</c> child, never entries of the child table, so that
/// matching reaches them without a lookup. Empty levels are levels like any other: <c>a//b</c> is
/// a, "", b and <c>/a</c> is "", a.</para>
///
/// <para><b>Matching</b> walks the topic name level by level with indices into the string (no split,
/// no allocation) and, at each node reached:</para>
/// <list type="number">
/// <item>visits the value of the node's '#' child: '#' matches any number of levels, none included,
/// so <c>a/#</c> matches <c>a</c> as well as <c>a/b/c</c> (4.7.1.2);</item>
/// <item>if the topic has no level left, visits the node's own value and stops;</item>
/// <item>otherwise follows the child named by the next level (looked up with a span, so no string is
/// made for it) and the '+' child, which matches exactly one level, empty included (4.7.1.3).</item>
/// </list>
/// At the root, when the topic begins with '$', steps 1 and 3 skip the wildcard children: a filter
/// starting with a wildcard does not match such topics [MQTT-4.7.2-1]. The work is proportional to
/// the number of trie nodes on matching paths, at most about 2^levels with a '+' at every level,
/// whatever the number of filters stored; a topic that matches nothing costs one lookup per level.
///
/// <para><b>Concurrency.</b> Any number of threads may match while one thread changes the trie:
/// writers take <c>_writeLock</c>, readers take nothing. Nodes publish every change with a volatile
/// write of an immutable child array or into a concurrent dictionary (<see cref="TrieNode{TValue}"/>),
/// so a reader sees each node either before or after a change, never half of it. A match that runs
/// during a change may or may not see the filter being added or removed, as if it had run just
/// before or just after. Removing a filter unlinks the nodes left with nothing below them.</para>
/// </summary>
public sealed class TopicTrie<TValue>
    where TValue : class
{
    private readonly TrieNode<TValue> _root = new();
    private readonly Lock _writeLock = new();
    private int _count;

    /// <summary>How many filters have a value.</summary>
    public int Count => Volatile.Read(ref _count);

    /// <summary>Visits the value of every stored filter that <paramref name="topic"/> matches, once each.</summary>
    public void Match<TVisitor>(ReadOnlySpan<char> topic, ref TVisitor visitor)
        where TVisitor : ITopicVisitor<TValue>, allows ref struct
    {
        var skipWildcards = !topic.IsEmpty && topic[0] == '$';
        MatchFrom(_root, topic, 0, skipWildcards, ref visitor);
    }

    /// <summary>The value stored for exactly this filter (wildcards compared literally), or null.</summary>
    public TValue? Find(string filter)
    {
        var node = _root;
        foreach (var level in filter.Split('/'))
        {
            node = level switch
            {
                "+" => node.Plus,
                "#" => node.Hash,
                _ => node.Find(level),
            };
            if (node is null)
            {
                return null;
            }
        }

        return node.Value;
    }

    /// <summary>Stores a value for the filter; false (and nothing changed) when it already has one.</summary>
    public bool TryAdd(string filter, TValue value)
    {
        lock (_writeLock)
        {
            var node = TrieNode<TValue>.GetOrAddPath(_root, filter.Split('/'));
            if (node.Value is not null)
            {
                return false;
            }

            node.Value = value;
            _count++;
            return true;
        }
    }

    /// <summary>Removes the filter's value and unlinks the nodes left empty; false when it had none.</summary>
    public bool Remove(string filter)
    {
        lock (_writeLock)
        {
            if (TrieNode<TValue>.RemovePath(_root, filter.Split('/')) is null)
            {
                return false;
            }

            _count--;
            return true;
        }
    }

    /// <summary>
    /// Every stored value, walking the whole trie (for listings such as the management API's, never for routing). Safe
    /// while a writer changes the trie: a value added or removed meanwhile may or may not be seen.
    /// </summary>
    public IEnumerable<TValue> Values()
    {
        var pending = new Stack<TrieNode<TValue>>();
        pending.Push(_root);
        while (pending.TryPop(out var node))
        {
            if (node.Value is { } value)
            {
                yield return value;
            }

            foreach (var child in node.Children())
            {
                pending.Push(child.Value);
            }

            if (node.Plus is { } plus)
            {
                pending.Push(plus);
            }

            if (node.Hash is { } hash)
            {
                pending.Push(hash);
            }
        }
    }

    /// <summary>Whether the root has nothing below it: after removing every filter, all nodes were pruned.</summary>
    internal bool IsPruned => _root.IsEmpty;

    /// <param name="start">Index of the topic level this node's children are matched against; past the end when none is left.</param>
    private static void MatchFrom<TVisitor>(TrieNode<TValue> node, ReadOnlySpan<char> topic, int start, bool skipWildcards, ref TVisitor visitor)
        where TVisitor : ITopicVisitor<TValue>, allows ref struct
    {
        if (!skipWildcards && node.Hash?.Value is { } any)
        {
            visitor.Visit(any);
        }

        if (start > topic.Length)
        {
            if (node.Value is { } exact)
            {
                visitor.Visit(exact);
            }

            return;
        }

        var slash = topic[start..].IndexOf('/');
        var end = slash < 0 ? topic.Length : start + slash;
        if (node.Find(topic[start..end]) is { } child)
        {
            MatchFrom(child, topic, end + 1, false, ref visitor);
        }

        if (!skipWildcards && node.Plus is { } plus)
        {
            MatchFrom(plus, topic, end + 1, false, ref visitor);
        }
    }
}
