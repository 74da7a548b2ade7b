using Broker.Core.Messaging;

namespace Broker.Core.Retained;

/// <summary>
/// Orders the changes of one topic's retained message across a cluster: last writer wins by <see cref="TimestampMs"/>,
/// and on the same millisecond by <see cref="Node"/> (ordinal), so every node picks the same winner whatever order the
/// changes reach it in. A node stamps its own change later than anything it has seen for the topic
/// (<see cref="RetainedVersions.NextLocal"/>), so a publisher's change always overrides what its node served before,
/// whatever that node's clock says.
/// </summary>
/// <param name="TimestampMs">Unix milliseconds of the node that made the change, or later (see above).</param>
/// <param name="Node">The cluster name of the node that made the change; empty for a message loaded from storage.</param>
public readonly record struct RetainedVersion(long TimestampMs, string Node) : IComparable<RetainedVersion>
{
    /// <summary>
    /// The version of a message loaded from storage, which keeps none: its receipt time, before any node's own stamp of
    /// it (which is at least that, and wins the tie by its node name), so the cluster's copy of the same message wins
    /// and a newer one kept only here still beats an older one of the cluster's.
    /// </summary>
    public static RetainedVersion Stored(ApplicationMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        return new RetainedVersion(message.ReceivedAtMs, "");
    }

    public int CompareTo(RetainedVersion other)
    {
        var byTime = TimestampMs.CompareTo(other.TimestampMs);
        return byTime != 0 ? byTime : string.CompareOrdinal(Node, other.Node);
    }

    public bool IsNewerThan(RetainedVersion other) => CompareTo(other) > 0;

    public override string ToString() => $"{TimestampMs}@{Node}";
}
