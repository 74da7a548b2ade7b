namespace Broker.Cluster;

/// <summary>
/// A snapshot of the membership as this node sees it (what Akka Management's <c>GET /cluster/members</c> shows).
/// </summary>
/// <param name="SelfNode">This node's address.</param>
/// <param name="Leader">The member that moves others to Up and Removed; null while there is none.</param>
/// <param name="Oldest">The Up member that has been Up longest; null while none is Up.</param>
/// <param name="Unreachable">Members the failure detectors currently report unreachable.</param>
/// <param name="OldestPerRole">For each role of an Up member, the Up member with that role that has been Up longest.</param>
public sealed record ClusterMembers(
    string SelfNode,
    IReadOnlyList<ClusterMember> Members,
    IReadOnlyList<ClusterUnreachableMember> Unreachable,
    string? Leader,
    string? Oldest,
    IReadOnlyDictionary<string, string> OldestPerRole)
{
    /// <summary>This node's own status; null before it has joined (or once it is removed).</summary>
    public ClusterMemberStatus? SelfStatus => Members.FirstOrDefault(m => m.Node == SelfNode)?.Status;
}
