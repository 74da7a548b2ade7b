using Broker.Core.Messaging;

namespace Broker.Cluster.Delivery;

/// <summary>
/// Acknowledgements of publishes for the durable sessions of a removed node, held until those sessions are adopted
/// elsewhere (<see cref="Core.Routing.DurableRoute"/>), then failed: the publisher sends again, and its message then
/// reaches every adopted session. Failing each at once instead would have a 3.x publisher, whose connection closes on a
/// failed acknowledgement, reconnect and send its whole window again every second while the adoption lasts: each time
/// a copy more in the queue of every session already adopted, until the oldest messages there are pushed out. A hold
/// lasts at most <see cref="Bound"/>, so a publisher is never stuck with an adoption that never ends.
/// </summary>
internal sealed class AdoptionHolds : IDisposable
{
    public static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    private readonly Lock _lock = new();
    private readonly Dictionary<string, List<(PublishCommit Commit, DateTime Since)>> _held = new(StringComparer.Ordinal);
    private readonly HashSet<string> _adopted = new(StringComparer.Ordinal);
    private readonly Timer _timer;

    public AdoptionHolds() =>
        _timer = new Timer(_ => FailOverdue(), null, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));

    /// <summary>The node was removed: its sessions are to be adopted, so what comes for them is held from now on.</summary>
    public void Removed(string node)
    {
        lock (_lock)
        {
            _adopted.Remove(node);
        }
    }

    /// <summary>Holds a commit that has already joined for the node; failed at once if the node's sessions are adopted.</summary>
    public void Hold(string node, PublishCommit commit)
    {
        lock (_lock)
        {
            if (!_adopted.Contains(node))
            {
                if (!_held.TryGetValue(node, out var held))
                {
                    held = [];
                    _held[node] = held;
                }

                held.Add((commit, DateTime.UtcNow));
                return;
            }
        }

        commit.Fail();
    }

    /// <summary>The node's sessions are adopted: what is held for it fails, and so does what comes from now on.</summary>
    public void Adopted(string node)
    {
        List<(PublishCommit Commit, DateTime Since)>? held;
        lock (_lock)
        {
            _adopted.Add(node);
            _held.Remove(node, out held);
        }

        foreach (var (commit, _) in held ?? [])
        {
            commit.Fail();
        }
    }

    public void Dispose()
    {
        _timer.Dispose();
        string[] nodes;
        lock (_lock)
        {
            nodes = [.. _held.Keys];
        }

        foreach (var node in nodes)
        {
            Adopted(node);
        }
    }

    private void FailOverdue()
    {
        var overdue = new List<PublishCommit>();
        lock (_lock)
        {
            var since = DateTime.UtcNow - Bound;
            foreach (var held in _held.Values)
            {
                overdue.AddRange(held.Where(h => h.Since < since).Select(h => h.Commit));
                held.RemoveAll(h => h.Since < since);
            }
        }

        foreach (var commit in overdue)
        {
            commit.Fail();
        }
    }
}
