namespace Broker.Cluster.Delivery;

/// <summary>
/// The receiving node has dispatched a <see cref="ForwardBatch"/> to its sessions: the sender returns the batch's
/// publisher credits. The commits listed completed during the dispatch already (no local participant held them).
/// </summary>
internal sealed record BatchAck(long Sequence, long[] Completed, long[] Failed);

/// <summary>Commits of earlier batches that completed later (a durable subscriber stored the message, a full one made room).</summary>
internal sealed record CommitsDone(long[] Completed, long[] Failed);
