namespace Broker.Actors;

/// <summary>
/// The ordinary messages of an actor with a bounded mailbox (<see cref="MailboxOptions.Capacity"/>): a
/// ring buffer under its own monitor. Its policies need what a lock-free queue does not give cheaply: an
/// exact count, a producer that drops the oldest message, a producer that waits for room. Bounded
/// mailboxes are rare (no actor of the broker has one), so they keep the lock and leave the common
/// unbounded case lock-free (<see cref="EnvelopeQueue"/>).
/// </summary>
internal sealed class BoundedMailbox(MailboxOptions options)
{
    private Envelope[]? _queue;
    private int _head;
    private int _count;
    private bool _closed;

    public enum EnqueueResult
    {
        Enqueued,
        Refused,
        Closed,
    }

    /// <summary><paramref name="dropped"/>: the oldest message, dropped to make room (drop-oldest policy).</summary>
    public EnqueueResult TryEnqueue(in Envelope envelope, out Envelope? dropped)
    {
        var limit = options.Capacity!.Value;
        dropped = null;
        lock (this)
        {
            if (_closed)
            {
                return EnqueueResult.Closed;
            }

            if (_count >= limit)
            {
                switch (options.Overflow)
                {
                    case MailboxOverflow.DropNewest:
                        return EnqueueResult.Refused;
                    case MailboxOverflow.DropOldest:
                        dropped = TakeFirst();
                        break;
                    default:
                        if (!WaitForRoom(limit))
                        {
                            return EnqueueResult.Refused;
                        }

                        if (_closed)
                        {
                            return EnqueueResult.Closed;
                        }

                        break;
                }
            }

            Append(envelope);
            return EnqueueResult.Enqueued;
        }
    }

    public bool TryDequeue(out Envelope envelope)
    {
        lock (this)
        {
            if (_count == 0)
            {
                envelope = default;
                return false;
            }

            envelope = TakeFirst();
            if (options.Overflow == MailboxOverflow.BackPressure && _count + 1 == options.Capacity)
            {
                Monitor.PulseAll(this);
            }

            return true;
        }
    }

    /// <summary>
    /// Under the monitor, so that the end of a turn cannot miss a message: a producer appends under it
    /// and reads the scheduled flag after, the turn clears the flag before taking it.
    /// </summary>
    public bool HasMessages
    {
        get
        {
            lock (this)
            {
                return _count > 0;
            }
        }
    }

    /// <summary>Closes for good and hands back what was still waiting.</summary>
    public List<Envelope> Close()
    {
        lock (this)
        {
            _closed = true;
            var messages = new List<Envelope>(_count);
            while (_count > 0)
            {
                messages.Add(TakeFirst());
            }

            _queue = null;
            Monitor.PulseAll(this);
            return messages;
        }
    }

    /// <summary>Back-pressure: the sender waits on the monitor, which a dequeue from a full mailbox pulses.</summary>
    private bool WaitForRoom(int limit)
    {
        var deadline = Environment.TickCount64 + (long)options.PushTimeout.TotalMilliseconds;
        while (_count >= limit && !_closed)
        {
            var remaining = deadline - Environment.TickCount64;
            if (remaining <= 0 || !Monitor.Wait(this, TimeSpan.FromMilliseconds(remaining)))
            {
                return _count < limit;
            }
        }

        return true;
    }

    private void Append(in Envelope envelope)
    {
        var queue = _queue;
        if (queue is null || _count == queue.Length)
        {
            queue = Grow();
        }

        queue[(_head + _count) & (queue.Length - 1)] = envelope;
        _count++;
    }

    private Envelope[] Grow()
    {
        var old = _queue;
        var grown = new Envelope[old is null ? 4 : old.Length * 2];
        for (var i = 0; i < _count; i++)
        {
            grown[i] = old![(_head + i) & (old.Length - 1)];
        }

        _queue = grown;
        _head = 0;
        return grown;
    }

    private Envelope TakeFirst()
    {
        var queue = _queue!;
        var envelope = queue[_head];
        queue[_head] = default;
        _head = (_head + 1) & (queue.Length - 1);
        _count--;
        return envelope;
    }
}
