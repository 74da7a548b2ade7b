namespace Broker.Cluster;

/// <param name="Node">The member's address.</param>
/// <param name="ObservedBy">
/// The members known to have lost it: this node when its own failure detector has (Akka keeps the other nodes'
/// observations in a table it does not publish, so the list may be empty when only others lost the member).
/// </param>
public sealed record ClusterUnreachableMember(string Node, IReadOnlyList<string> ObservedBy);
