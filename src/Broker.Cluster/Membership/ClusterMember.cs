namespace Broker.Cluster;

/// <param name="Node">The member's address, e.g. "akka.tcp://plant@10.0.0.5:4370": the node's name in route tables.</param>
public sealed record ClusterMember(string Node, ClusterMemberStatus Status, IReadOnlyList<string> Roles);
