using Akka.Cluster;
using AkkaCluster = Akka.Cluster.Cluster;

namespace Broker.Cluster.Membership;

/// <summary>Akka's view of the membership turned into <see cref="ClusterMembers"/>, so no Akka type leaves the project.</summary>
internal static class MembersSnapshot
{
    public static ClusterMembers From(AkkaCluster cluster)
    {
        var state = cluster.State;
        var self = cluster.SelfAddress.ToString();
        var members = state.Members
            .Select(m => new ClusterMember(
                m.Address.ToString(), m.UniqueAddress.Uid.ToString(System.Globalization.CultureInfo.InvariantCulture), Status(m.Status),
                m.Roles.OrderBy(r => r, StringComparer.Ordinal).ToArray()))
            .ToArray();
        var up = state.Members.Where(m => m.Status == MemberStatus.Up).OrderBy(m => m, Member.AgeOrdering).ToArray();
        var oldestPerRole = up.SelectMany(m => m.Roles).Distinct().Order(StringComparer.Ordinal)
            .ToDictionary(role => role, role => up.First(m => m.HasRole(role)).Address.ToString(), StringComparer.Ordinal);
        var unreachable = state.Unreachable
            .OrderBy(m => m.Address.ToString(), StringComparer.Ordinal)
            .Select(m => new ClusterUnreachableMember(m.Address.ToString(), LostByThisNode(cluster, m) ? [self] : []))
            .ToArray();
        return new ClusterMembers(self, members, unreachable, state.Leader?.ToString(), up.FirstOrDefault()?.Address.ToString(), oldestPerRole);
    }

    private static bool LostByThisNode(AkkaCluster cluster, Member member) =>
        cluster.FailureDetector.IsMonitoring(member.Address) && !cluster.FailureDetector.IsAvailable(member.Address);

    private static ClusterMemberStatus Status(MemberStatus status) => status switch
    {
        MemberStatus.Joining => ClusterMemberStatus.Joining,
        MemberStatus.WeaklyUp => ClusterMemberStatus.WeaklyUp,
        MemberStatus.Up => ClusterMemberStatus.Up,
        MemberStatus.Leaving => ClusterMemberStatus.Leaving,
        MemberStatus.Exiting => ClusterMemberStatus.Exiting,
        MemberStatus.Down => ClusterMemberStatus.Down,
        MemberStatus.Removed => ClusterMemberStatus.Removed,
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, null),
    };
}
