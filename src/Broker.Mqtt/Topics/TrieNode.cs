using System.Collections.Concurrent;

namespace Broker.Mqtt.Topics;

/// <summary>
/// One level of a topic trie: the value stored for the path that ends here, and the children by level
/// string. Readers take no lock and may run while one writer changes the node, so every field a reader
/// follows is published with a volatile write and never changed in place:
/// <list type="bullet">
/// <item>up to <see cref="SmallLimit"/> children live in an immutable <see cref="Child"/> array that a
/// writer replaces by a copy (most nodes have one child, and a scan of a few is faster than hashing);</item>
/// <item>beyond that, a <see cref="ConcurrentDictionary{TKey,TValue}"/>, whose reads take no lock, so
/// that a node with a million children does not copy them on every insert.</item>
/// </list>
/// The '+' and '#' children of a filter trie have fields of their own so that matching never looks
/// them up. Writers must be serialized by the owner of the trie.
/// </summary>
public sealed class TrieNode<TValue>
    where TValue : class
{
    internal const int SmallLimit = 8;

    /// <summary>null, a <see cref="Child"/>[] or a <see cref="ChildMap"/>.</summary>
    private object? _children;
    private TrieNode<TValue>? _plus;
    private TrieNode<TValue>? _hash;
    private TValue? _value;

    public TValue? Value
    {
        get => Volatile.Read(ref _value);
        set => Volatile.Write(ref _value, value);
    }

    public TrieNode<TValue>? Plus => Volatile.Read(ref _plus);

    public TrieNode<TValue>? Hash => Volatile.Read(ref _hash);

    /// <summary>Nothing stored here or below: the writer may unlink the node.</summary>
    public bool IsEmpty => _value is null && _children is null && _plus is null && _hash is null;

    /// <summary>The child for a literal level ('+' and '#' are literals here: use <see cref="Plus"/> and <see cref="Hash"/>).</summary>
    public TrieNode<TValue>? Find(ReadOnlySpan<char> level)
    {
        var children = Volatile.Read(ref _children);
        if (children is Child[] small)
        {
            foreach (var child in small)
            {
                if (level.SequenceEqual(child.Level))
                {
                    return child.Node;
                }
            }

            return null;
        }

        return children is ChildMap map && map.Lookup.TryGetValue(level, out var node) ? node : null;
    }

    /// <summary>The child for a level of a filter: '+' and '#' go to their own fields. Writer only.</summary>
    public TrieNode<TValue>? FindForWriter(string level) => level switch
    {
        "+" => _plus,
        "#" => _hash,
        _ => Find(level),
    };

    /// <summary>Writer only.</summary>
    public TrieNode<TValue> GetOrAdd(string level)
    {
        if (FindForWriter(level) is { } existing)
        {
            return existing;
        }

        var node = new TrieNode<TValue>();
        if (!TrySetWildcard(level, node))
        {
            AddChild(level, node);
        }

        return node;
    }

    /// <summary>Unlinks the child of that level. Writer only.</summary>
    public void Remove(string level)
    {
        if (TrySetWildcard(level, null))
        {
            return;
        }

        if (_children is Child[] small)
        {
            var index = Array.FindIndex(small, c => c.Level == level);
            if (index < 0)
            {
                return;
            }

            Volatile.Write(ref _children, small.Length == 1 ? null : (object)RemoveAt(small, index));
        }
        else if (_children is ChildMap map && map.Children.TryRemove(level, out _) && map.Children.IsEmpty)
        {
            Volatile.Write(ref _children, null);
        }
    }

    /// <summary>The literal children, for walks that enumerate ('+' and '#' in a retained filter). Safe for readers.</summary>
    public IEnumerable<KeyValuePair<string, TrieNode<TValue>>> Children()
    {
        var children = Volatile.Read(ref _children);
        if (children is Child[] small)
        {
            foreach (var child in small)
            {
                yield return new(child.Level, child.Node);
            }
        }
        else if (children is ChildMap map)
        {
            foreach (var pair in map.Children)
            {
                yield return pair;
            }
        }
    }

    /// <summary>The node at the end of the levels, made as needed. Writer only.</summary>
    public static TrieNode<TValue> GetOrAddPath(TrieNode<TValue> root, string[] levels)
    {
        var node = root;
        foreach (var level in levels)
        {
            node = node.GetOrAdd(level);
        }

        return node;
    }

    /// <summary>
    /// Clears the value at the end of the levels and unlinks, from the bottom up, the nodes left with
    /// nothing below them. Returns the value removed, null when there was none. Writer only.
    /// </summary>
    public static TValue? RemovePath(TrieNode<TValue> root, string[] levels)
    {
        var path = new TrieNode<TValue>[levels.Length + 1];
        path[0] = root;
        for (var i = 0; i < levels.Length; i++)
        {
            if (path[i].FindForWriter(levels[i]) is not { } next)
            {
                return null;
            }

            path[i + 1] = next;
        }

        var removed = path[^1].Value;
        if (removed is null)
        {
            return null;
        }

        path[^1].Value = null;
        for (var i = levels.Length; i > 0 && path[i].IsEmpty; i--)
        {
            path[i - 1].Remove(levels[i - 1]);
        }

        return removed;
    }

    /// <summary>Sets the '+' or '#' child, which have fields of their own; false for a literal level.</summary>
    private bool TrySetWildcard(string level, TrieNode<TValue>? node)
    {
        switch (level)
        {
            case "+":
                Volatile.Write(ref _plus, node);
                return true;
            case "#":
                Volatile.Write(ref _hash, node);
                return true;
            default:
                return false;
        }
    }

    private void AddChild(string level, TrieNode<TValue> node)
    {
        switch (_children)
        {
            case null:
                Volatile.Write(ref _children, new[] { new Child(level, node) });
                break;
            case Child[] small when small.Length < SmallLimit:
                var grown = new Child[small.Length + 1];
                small.CopyTo(grown, 0);
                grown[^1] = new Child(level, node);
                Volatile.Write(ref _children, grown);
                break;
            case Child[] full:
                // Filled before it is published, so a reader sees either the old array or all of these.
                var map = new ChildMap();
                foreach (var child in full)
                {
                    map.Children[child.Level] = child.Node;
                }

                map.Children[level] = node;
                Volatile.Write(ref _children, map);
                break;
            case ChildMap existing:
                existing.Children[level] = node;
                break;
        }
    }

    private static Child[] RemoveAt(Child[] small, int index)
    {
        var shrunk = new Child[small.Length - 1];
        Array.Copy(small, 0, shrunk, 0, index);
        Array.Copy(small, index + 1, shrunk, index, small.Length - index - 1);
        return shrunk;
    }

    private readonly record struct Child(string Level, TrieNode<TValue> Node);

    /// <summary>The dictionary and its span lookup, made once so that a match does not ask for it per level.</summary>
    private sealed class ChildMap
    {
        public ChildMap()
        {
            // One writer at a time (the trie's lock), so one lock stripe is enough.
            Children = new ConcurrentDictionary<string, TrieNode<TValue>>(concurrencyLevel: 1, capacity: SmallLimit * 4, StringComparer.Ordinal);
            Lookup = Children.GetAlternateLookup<ReadOnlySpan<char>>();
        }

        public ConcurrentDictionary<string, TrieNode<TValue>> Children { get; }

        public ConcurrentDictionary<string, TrieNode<TValue>>.AlternateLookup<ReadOnlySpan<char>> Lookup { get; }
    }
}
