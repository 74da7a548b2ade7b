using Broker.Mqtt;

namespace Broker.Core.Sessions;

/// <summary>
/// The messages a session holds while its client is away, its inflight window is full or its
/// connection is not writable (EMQX's mqueue, VerneMQ's offline queue). FIFO, bounded by
/// <c>max_mqueue_len</c> (0: unbounded). When full, the oldest QoS 0 message goes first, the new one
/// included if it is QoS 0; only when none is QoS 0 does the oldest message go, unless the session lets its
/// QoS 1/2 messages overflow the limit (a connected subscriber that makes progress: SessionState.PushBack.cs)
/// and trims them back later (<see cref="TrimToLimit"/>). QoS 0 and QoS 1/2
/// messages are kept in two FIFOs stamped with one sequence, so that both the dequeue order and
/// "oldest QoS 0" are O(1).
/// <para>
/// Each FIFO is made when its first message comes: most sessions are connected and keep up, and an
/// idle connection's session should not hold two empty queues (memory per idle connection).
/// </para>
/// </summary>
public sealed class MessageQueue
{
    private Queue<(long Sequence, QueuedDelivery Item)>? _qos0;
    private Queue<(long Sequence, QueuedDelivery Item)>? _qos12;
    private long _sequence;

    public MessageQueue(int maxLength)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxLength);
        MaxLength = maxLength;
    }

    /// <summary>0 for no limit.</summary>
    public int MaxLength { get; }

    public int Count => (_qos0?.Count ?? 0) + (_qos12?.Count ?? 0);

    public bool IsFull => MaxLength > 0 && Count >= MaxLength;

    /// <summary>Past the limit: a connected subscriber that makes progress keeps its QoS 1/2 messages beyond it.</summary>
    public bool IsOverLimit => MaxLength > 0 && Count > MaxLength;

    /// <summary>Queued QoS 0 messages: a new QoS 0 message may only bypass the queue when this is 0, to keep their order.</summary>
    public int AtMostOnceCount => _qos0?.Count ?? 0;

    /// <summary>Queues <paramref name="item"/>; returns the message dropped to make room (possibly <paramref name="item"/> itself), or null.</summary>
    /// <param name="overflow">A QoS 1/2 message goes past the limit rather than push the oldest one out (QoS 0 ones still go first).</param>
    public QueuedDelivery? Enqueue(QueuedDelivery item, bool overflow = false)
    {
        ArgumentNullException.ThrowIfNull(item);
        QueuedDelivery? dropped = null;
        if (IsFull)
        {
            if (item.QoS == QualityOfService.AtMostOnce && AtMostOnceCount == 0)
            {
                return item;
            }

            dropped = DropOldest(keepAtLeastOnce: overflow);
        }

        var queue = item.QoS == QualityOfService.AtMostOnce ? _qos0 ??= new() : _qos12 ??= new();
        queue.Enqueue((++_sequence, item));
        return dropped;
    }

    public bool TryPeek(out QueuedDelivery item)
    {
        var queue = Head();
        if (queue is null)
        {
            item = null!;
            return false;
        }

        item = queue.Peek().Item;
        return true;
    }

    public bool TryDequeue(out QueuedDelivery item)
    {
        var queue = Head();
        if (queue is null)
        {
            item = null!;
            return false;
        }

        item = queue.Dequeue().Item;
        return true;
    }

    /// <summary>
    /// Takes the oldest QoS 0 message even when a QoS 1/2 one is older: those wait for the inflight
    /// window, QoS 0 only for the connection, and ordering is only owed within one QoS [MQTT-4.6.0-6].
    /// </summary>
    public bool TryDequeueAtMostOnce(out QueuedDelivery item)
    {
        if (_qos0 is not { Count: > 0 })
        {
            item = null!;
            return false;
        }

        item = _qos0.Dequeue().Item;
        return true;
    }

    /// <summary>Back to the limit after an overflow: the oldest QoS 0 messages go first, then the oldest others.</summary>
    public IReadOnlyList<QueuedDelivery> TrimToLimit()
    {
        if (!IsOverLimit)
        {
            return [];
        }

        var dropped = new List<QueuedDelivery>(Count - MaxLength);
        while (Count > MaxLength)
        {
            dropped.Add(DropOldest(keepAtLeastOnce: false)!);
        }

        return dropped;
    }

    /// <summary>The oldest QoS 0 message, else (unless <paramref name="keepAtLeastOnce"/>) the oldest QoS 1/2 one; null when none goes.</summary>
    private QueuedDelivery? DropOldest(bool keepAtLeastOnce) =>
        _qos0 is { Count: > 0 } ? _qos0.Dequeue().Item
        : keepAtLeastOnce ? null
        : _qos12!.Dequeue().Item;

    /// <summary>Takes out the messages that match, keeping the order of the rest.</summary>
    public IReadOnlyList<QueuedDelivery> RemoveWhere(Func<QueuedDelivery, bool> predicate)
    {
        ArgumentNullException.ThrowIfNull(predicate);
        var removed = new List<(long Sequence, QueuedDelivery Item)>();
        if (_qos0 is not null)
        {
            Filter(_qos0, predicate, removed);
        }

        if (_qos12 is not null)
        {
            Filter(_qos12, predicate, removed);
        }

        removed.Sort(static (a, b) => a.Sequence.CompareTo(b.Sequence));
        return [.. removed.Select(static r => r.Item)];
    }

    /// <summary>Every queued message, in queue order: for a snapshot.</summary>
    public IEnumerable<QueuedDelivery> Items() =>
        (_qos0 ?? []).Concat(_qos12 ?? []).OrderBy(static e => e.Sequence).Select(static e => e.Item);

    public void Clear()
    {
        _qos0 = null;
        _qos12 = null;
    }

    private Queue<(long Sequence, QueuedDelivery Item)>? Head()
    {
        if (_qos0 is not { Count: > 0 })
        {
            return _qos12 is { Count: > 0 } ? _qos12 : null;
        }

        return _qos12 is not { Count: > 0 } || _qos0.Peek().Sequence < _qos12.Peek().Sequence ? _qos0 : _qos12;
    }

    private static void Filter(
        Queue<(long Sequence, QueuedDelivery Item)> queue,
        Func<QueuedDelivery, bool> predicate,
        List<(long Sequence, QueuedDelivery Item)> removed)
    {
        for (var n = queue.Count; n > 0; n--)
        {
            var entry = queue.Dequeue();
            if (predicate(entry.Item))
            {
                removed.Add(entry);
            }
            else
            {
                queue.Enqueue(entry);
            }
        }
    }
}
