namespace Broker.Core.Routing;

/// <summary>
/// One entry of the node table: a topic filter and the nodes that have subscribers for it. The node
/// array is immutable and replaced as a whole by the node table's writer, so a publish reads it
/// without a lock; a cluster has few nodes, so it stays small.
/// </summary>
public sealed class Route
{
    private string[] _nodes = [];

    internal Route(string filter) => Filter = filter;

    /// <summary>The filter without any <c>$share/group/</c> prefix: shared and plain subscribers share the route.</summary>
    public string Filter { get; }

    public IReadOnlyList<string> Nodes => Volatile.Read(ref _nodes);

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
}
