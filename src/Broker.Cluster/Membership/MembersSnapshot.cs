using Akka.Cluster;
using AkkaCluster = Akka.Cluster.Cluster;

namespace Broker.Cluster.Membership;

/// <summary>Akka's view of the membership turned into <see cref="ClusterMembers"/>, so no Akka type leaves the project.</summary>
internal static class MembersSnapshot
{
    public static ClusterMembers From(AkkaCluster cluster)
    {
        var state = cluster.State;
        var members = state.Members
            .Select(m => new ClusterMember(m.Address.ToString(), Status(m.Status), m.Roles.OrderBy(r => r, StringComparer.Ordinal).ToArray()))
            .ToArray();
        var oldest = state.Members
            .Where(m => m.Status == MemberStatus.Up)
            .OrderBy(m => m, Member.AgeOrdering)
            .FirstOrDefault();
        return new ClusterMembers(
            cluster.SelfAddress.ToString(),
            members,
            state.Unreachable.Select(m => m.Address.ToString()).ToArray(),
            state.Leader?.ToString(),
            oldest?.Address.ToString());
    }

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
