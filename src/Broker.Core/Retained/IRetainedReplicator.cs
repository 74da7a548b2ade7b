namespace Broker.Core.Retained;

/// <summary>
/// Where the <see cref="Retainer"/> of a node in a cluster hands the changes made on this node (a PUBLISH with RETAIN,
/// a will), to reach every other node's <see cref="Retainer.ApplyRemote"/>. Without one (a node of its own) the retainer
/// keeps no versions and no tombstones.
/// </summary>
public interface IRetainedReplicator
{
    /// <summary>This node's name in the cluster: the tie-break of <see cref="RetainedVersion"/>.</summary>
    string NodeName { get; }

    /// <summary>How long a deletion is remembered after its version's time; then it is forgotten.</summary>
    TimeSpan TombstoneRetention { get; }

    /// <summary>A change made on this node, in memory and (when the retainer stores) committed. Must not block.</summary>
    void Changed(RetainedChange change);
}
