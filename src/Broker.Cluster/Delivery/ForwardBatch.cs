using Broker.Core.Messaging;

namespace Broker.Cluster.Delivery;

/// <summary>
/// Messages one node forwards to another, in the order its publishers published them, sent as one remoting message
/// so that a busy link costs one envelope, one serializer call and one mailbox turn per batch rather than per message.
/// The receiver answers each with a <see cref="BatchAck"/>.
/// </summary>
internal sealed record ForwardBatch(long Sequence, IReadOnlyList<ForwardItem> Items);

/// <param name="Groups">The shared groups ("$share/group/filter") the receiving node was picked for; null when none.</param>
/// <param name="CommitId">Not 0: the publisher waits for this node to accept the message (QoS 1/2); the receiver
/// reports it in a <see cref="BatchAck"/> or a later <see cref="CommitsDone"/>.</param>
internal readonly record struct ForwardItem(ApplicationMessage Message, string[]? Groups, long CommitId);
