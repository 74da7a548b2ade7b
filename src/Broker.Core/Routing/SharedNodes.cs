namespace Broker.Core.Routing;

/// <summary>
/// The other nodes that have members of one shared group on one filter (their routes "$share/group/filter"), and the
/// state the choice of a node keeps between messages, as <see cref="SharedGroup"/> keeps it for the local members.
/// The node array is sorted (so the same choice by hash is made on every node) and replaced as a whole by the node
/// table's writer; publishers read it without a lock.
/// </summary>
public sealed class SharedNodes
{
    private string[] _nodes = [];
    private int _nextIndex = -1;
    private string? _stickyNode;

    internal SharedNodes(string group, string topicFilter)
    {
        Group = group;
        SharedFilter = Routing.SharedFilter.Format(group, topicFilter);
    }

    public string Group { get; }

    /// <summary>"$share/group/filter": what a forwarded message names when a node was picked for the group.</summary>
    public string SharedFilter { get; }

    public IReadOnlyList<string> Nodes => Volatile.Read(ref _nodes);

    internal string[] NodeArray => Volatile.Read(ref _nodes);

    internal int NextIndex() => Interlocked.Increment(ref _nextIndex);

    internal string? StickyNode => Volatile.Read(ref _stickyNode);

    internal bool TryStick(string node, string? expected) =>
        ReferenceEquals(Interlocked.CompareExchange(ref _stickyNode, node, expected), expected);

    /// <summary>Writer only (the node table's lock).</summary>
    internal bool Add(string node)
    {
        var nodes = _nodes;
        var index = Array.BinarySearch(nodes, node, StringComparer.Ordinal);
        if (index >= 0)
        {
            return false;
        }

        index = ~index;
        Volatile.Write(ref _nodes, [.. nodes[..index], node, .. nodes[index..]]);
        return true;
    }

    /// <summary>Writer only. A node that leaves stops being the sticky one.</summary>
    internal bool Remove(string node)
    {
        var nodes = _nodes;
        var index = Array.BinarySearch(nodes, node, StringComparer.Ordinal);
        if (index < 0)
        {
            return false;
        }

        Volatile.Write(ref _nodes, [.. nodes[..index], .. nodes[(index + 1)..]]);
        Interlocked.CompareExchange(ref _stickyNode, null, node);
        return true;
    }
}
