namespace Broker.Cluster;

/// <summary>
/// A snapshot of the membership as this node sees it (what Akka Management's <c>GET /cluster/members</c> shows).
/// </summary>
/// <param name="SelfNode">This node's address.</param>
/// <param name="Leader">The member that moves others to Up and Removed; null while there is none.</param>
/// <param name="Oldest">The Up member that has been Up longest; null while none is Up.</param>
/// <param name="Unreachable">Members the failure detector currently reports unreachable from this node.</param>
public sealed record ClusterMembers(
    string SelfNode,
    IReadOnlyList<ClusterMember> Members,
    IReadOnlyList<string> Unreachable,
    string? Leader,
    string? Oldest);
