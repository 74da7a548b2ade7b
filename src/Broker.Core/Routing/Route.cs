namespace Broker.Core.Routing;

/// <summary>
/// One entry of the node table: a topic filter, the nodes that have subscribers for it (this node for any local
/// subscriber; another node for its plain ones), and the other nodes' shared groups on it (<see cref="Shared"/>), so
/// that one member of a group is picked across the cluster. The arrays are immutable and replaced as a whole by the
/// node table's writer, so a publish reads them without a lock; a cluster has few nodes, so they stay small.
/// </summary>
public sealed class Route
{
    private string[] _nodes = [];
    private SharedNodes[] _shared = [];
    private string[] _durableNodes = [];

    internal Route(string filter) => Filter = filter;

    /// <summary>The filter without any <c>$share/group/</c> prefix: shared and plain subscribers share the route.</summary>
    public string Filter { get; }

    public IReadOnlyList<string> Nodes => Volatile.Read(ref _nodes);

    /// <summary>Other nodes' shared groups on this filter; empty on a node of its own.</summary>
    public SharedNodes[] Shared => Volatile.Read(ref _shared);

    /// <summary>
    /// Other nodes whose plain subscribers of this filter include a durable session (<see cref="DurableRoute"/>). Such a
    /// node is normally also in <see cref="Nodes"/>; one removed from the cluster stays here alone while its sessions are
    /// being adopted elsewhere, so that publishes under sync durability that would have been theirs are held, then
    /// failed, instead of being acknowledged for nobody.
    /// </summary>
    public IReadOnlyList<string> DurableNodes => Volatile.Read(ref _durableNodes);

    internal bool IsEmpty => _nodes.Length == 0 && _shared.Length == 0 && _durableNodes.Length == 0;

    public SharedNodes? FindShared(string group)
    {
        foreach (var shared in Volatile.Read(ref _shared))
        {
            if (shared.Group == group)
            {
                return shared;
            }
        }

        return null;
    }

    public bool HasNode(string node)
    {
        foreach (var name in Volatile.Read(ref _nodes))
        {
            // The local node's name is the same instance every time, so the first test usually decides.
            if (ReferenceEquals(name, node) || name == node)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Writer only (the node table's lock). <paramref name="single"/> is a shared one-element array for the common case.</summary>
    internal bool AddNode(string node, string[]? single)
    {
        var nodes = _nodes;
        if (HasNode(node))
        {
            return false;
        }

        Volatile.Write(ref _nodes, nodes.Length == 0 && single is not null ? single : [.. nodes, node]);
        return true;
    }

    /// <summary>Writer only. Returns whether the node was there.</summary>
    internal bool RemoveNode(string node)
    {
        var nodes = _nodes;
        var index = Array.IndexOf(nodes, node);
        if (index < 0)
        {
            return false;
        }

        Volatile.Write(ref _nodes, nodes.Length == 1 ? [] : [.. nodes[..index], .. nodes[(index + 1)..]]);
        return true;
    }

    /// <summary>Writer only. Returns false when the node was already marked.</summary>
    internal bool AddDurableNode(string node)
    {
        var nodes = _durableNodes;
        if (Array.IndexOf(nodes, node) >= 0)
        {
            return false;
        }

        Volatile.Write(ref _durableNodes, [.. nodes, node]);
        return true;
    }

    /// <summary>Writer only. Returns whether the node was marked.</summary>
    internal bool RemoveDurableNode(string node)
    {
        var nodes = _durableNodes;
        if (Array.IndexOf(nodes, node) < 0)
        {
            return false;
        }

        Volatile.Write(ref _durableNodes, Array.FindAll(nodes, n => n != node));
        return true;
    }

    /// <summary>Writer only. Returns false when the node was already a member of the group here.</summary>
    internal bool AddSharedNode(string group, string node)
    {
        var shared = FindShared(group);
        if (shared is null)
        {
            shared = new SharedNodes(group, Filter);
            Volatile.Write(ref _shared, [.. _shared, shared]);
        }

        return shared.Add(node);
    }

    /// <summary>Writer only. Returns whether the node was a member of the group here.</summary>
    internal bool RemoveSharedNode(string group, string node)
    {
        if (FindShared(group) is not { } shared || !shared.Remove(node))
        {
            return false;
        }

        if (shared.Nodes.Count == 0)
        {
            Volatile.Write(ref _shared, Array.FindAll(_shared, s => s != shared));
        }

        return true;
    }
}
