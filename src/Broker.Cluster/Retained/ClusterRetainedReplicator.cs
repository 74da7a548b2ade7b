using Akka.Actor;
using Broker.Core.Retained;
using static Broker.Cluster.Retained.RetainedReplicationProtocol;

namespace Broker.Cluster;

/// <summary>
/// The retainer's <see cref="IRetainedReplicator"/> in a cluster: this node's retained changes go to every other member,
/// theirs come back into the <see cref="Retainer"/> given to <see cref="Attach"/>, and a joining node takes a member's
/// snapshot before it counts as <see cref="WhenSynchronized"/>. The calls here only tell this node's replicator actor.
/// </summary>
public sealed class ClusterRetainedReplicator : IRetainedReplicator
{
    private readonly IActorRef _actor;
    private readonly TaskCompletionSource _synchronized;

    internal ClusterRetainedReplicator(IActorRef actor, string nodeName, TimeSpan tombstoneRetention, TaskCompletionSource synchronized)
    {
        _actor = actor;
        NodeName = nodeName;
        TombstoneRetention = tombstoneRetention;
        _synchronized = synchronized;
    }

    public string NodeName { get; }

    public TimeSpan TombstoneRetention { get; }

    /// <summary>
    /// Completes once this node has the cluster's retained messages: it took an Up member's snapshot (or was the only Up
    /// member) and settled its own against it. Never while the node is not Up; bound the wait.
    /// </summary>
    public Task WhenSynchronized => _synchronized.Task;

    public bool IsSynchronized => _synchronized.Task.IsCompleted;

    /// <summary>
    /// Where other nodes' changes are applied, once it holds what storage had (after <see cref="Retainer.LoadAsync"/>):
    /// changes that came earlier are applied now, and the snapshot is asked for. Call once.
    /// </summary>
    public void Attach(Retainer retainer)
    {
        ArgumentNullException.ThrowIfNull(retainer);
        _actor.Tell(new Attach(retainer));
    }

    public void Changed(RetainedChange change)
    {
        ArgumentNullException.ThrowIfNull(change);
        _actor.Tell(new LocalChange(change));
    }
}
