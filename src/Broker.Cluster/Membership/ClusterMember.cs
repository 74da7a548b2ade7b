namespace Broker.Cluster;

/// <param name="Node">The member's address, e.g. "akka.tcp://plant@10.0.0.5:4370": the node's name in route tables.</param>
/// <param name="NodeUid">The incarnation of the node at that address: a node started again on it has another.</param>
public sealed record ClusterMember(string Node, string NodeUid, ClusterMemberStatus Status, IReadOnlyList<string> Roles);
