using System.Text;
using Broker.Core.Messaging;
using Broker.Core.Persistence;

namespace Broker.Cluster.Delivery;

/// <summary>
/// Messages one node forwards to another, in the order its publishers published them, sent as one remoting message
/// so that a busy link costs one envelope, one serializer call and one mailbox turn per batch rather than per message.
/// The receiver answers each with a <see cref="BatchAck"/>.
/// </summary>
/// <param name="Length">Its size on the wire (<see cref="DeliverySerializer"/>'s layout): what the sender measured to
/// close it, and the array the serializer fills, so the messages are measured once.</param>
internal sealed record ForwardBatch(long Sequence, IReadOnlyList<ForwardItem> Items, int Length)
{
    /// <summary>The sequence and the message count.</summary>
    public const int HeaderLength = 12;

    /// <summary>A batch of these items, measured here (the sender measures as it fills one).</summary>
    public static ForwardBatch Of(long sequence, IReadOnlyList<ForwardItem> items) =>
        new(sequence, items, HeaderLength + items.Sum(item => ForwardItem.WireSize(item.Message, item.Groups)));
}

/// <param name="Groups">The shared groups ("$share/group/filter") the receiving node was picked for; null when none.</param>
/// <param name="CommitId">Not 0: the publisher waits for this node to accept the message (QoS 1/2); the receiver
/// reports it in a <see cref="BatchAck"/> or a later <see cref="CommitsDone"/>.</param>
internal readonly record struct ForwardItem(ApplicationMessage Message, string[]? Groups, long CommitId)
{
    /// <summary>An item's bytes in a batch: commit id, group count, each group (length and UTF-8), the message.</summary>
    public static int WireSize(ApplicationMessage message, string[]? groups)
    {
        var size = 12 + ApplicationMessageFormat.SerializedLength(message);
        foreach (var group in groups ?? [])
        {
            size += 4 + Encoding.UTF8.GetByteCount(group);
        }

        return size;
    }
}
