namespace Broker.Cluster;

/// <summary>A member's place in its life cycle, as Akka names it (the management API shows these names).</summary>
public enum ClusterMemberStatus
{
    Joining,
    WeaklyUp,
    Up,
    Leaving,
    Exiting,
    Down,
    Removed,
}
