namespace Broker.Actors;

/// <summary>
/// The mailbox, inline in the cell: a ring buffer of envelopes (created on the first message, grown by
/// doubling, never shrunk, so a busy actor reaches a steady state with no allocation per message) and a
/// short linked list of system messages. Both are guarded by the cell's monitor, held only to add or take
/// one entry. The cell is its own thread-pool work item: a turn processes the system messages, then up to
/// <c>throughput</c> ordinary ones, and <see cref="_scheduled"/> makes sure only one turn runs at a time.
/// </summary>
internal sealed partial class ActorCell : IThreadPoolWorkItem
{
    /// <summary>Small: most sessions hold a message or two at a time, and the buffer stays for the actor's life.</summary>
    private const int InitialCapacity = 4;

    private Envelope[]? _queue;
    private int _head;
    private int _count;
    private SystemMessageNode? _systemHead;
    private SystemMessageNode? _systemTail;
    private int _scheduled;
    private int _suspendCount;
    private bool _closed;

    public int MailboxCount => Volatile.Read(ref _count);

    public long DroppedMessages => _extras is null ? 0 : Interlocked.Read(ref _extras.DroppedMessages);

    public void Tell(object message, IActorRef? sender = null)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (Enqueue(new Envelope(message, sender), out var wasEmpty) && wasEmpty)
        {
            // A mailbox that already held messages is scheduled, or will be when its turn ends
            // (Execute checks for work after clearing _scheduled): no need to touch _scheduled again.
            Schedule();
        }
    }

    public void SendSystemMessage(SystemMessage message)
    {
        var node = new SystemMessageNode(message);
        lock (this)
        {
            if (!_closed)
            {
                if (_systemTail is null)
                {
                    _systemHead = node;
                }
                else
                {
                    _systemTail.Next = node;
                }

                _systemTail = node;
                node = null;
            }
        }

        if (node is null)
        {
            Schedule();
        }
        else
        {
            SystemMessageToDeadActor(message);
        }
    }

    /// <summary>One turn on a thread-pool thread. Never runs twice at once for one cell.</summary>
    public void Execute()
    {
        try
        {
            ProcessSystemMessages();
            var throughput = _props.Throughput ?? _system.Settings.Throughput;
            for (var i = 0; i < throughput && CanProcessMessages; i++)
            {
                if (!TryDequeue(out var envelope))
                {
                    break;
                }

                Invoke(envelope);
                if (Volatile.Read(ref _systemHead) is not null)
                {
                    ProcessSystemMessages();
                }
            }
        }
        catch (Exception e)
        {
            // Faults of user code are caught where it is called; reaching here is a runtime bug, which
            // must not take the thread pool (and the process) down with it.
            ReportError("the actor runtime failed while running this actor", e);
        }
        finally
        {
            // Exchange, not a plain write: a full fence, so the reads below see any message whose sender
            // found this cell still scheduled and so did not schedule it.
            Interlocked.Exchange(ref _scheduled, 0);
            if (HasPendingWork)
            {
                Schedule();
            }
        }
    }

    private bool CanProcessMessages => _state == LifecycleState.Running && _suspendCount == 0;

    private bool HasPendingWork => Volatile.Read(ref _systemHead) is not null || (Volatile.Read(ref _count) > 0 && CanProcessMessages);

    private void Schedule()
    {
        // Read before the compare-and-swap: under load the cell is usually scheduled already, and a
        // plain read keeps the cache line shared between the cores instead of taking it exclusively.
        if (Volatile.Read(ref _scheduled) == 0 && Interlocked.CompareExchange(ref _scheduled, 1, 0) == 0)
        {
            ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: true);
        }
    }

    private bool Enqueue(in Envelope envelope, out bool wasEmpty)
    {
        var capacity = _props.Mailbox.Capacity;
        Envelope? dropped = null;
        wasEmpty = false;
        lock (this)
        {
            if (_closed)
            {
                goto Dead;
            }

            if (capacity is { } limit && _count >= limit)
            {
                switch (_props.Mailbox.Overflow)
                {
                    case MailboxOverflow.DropNewest:
                        goto Refused;
                    case MailboxOverflow.DropOldest:
                        dropped = TakeFirst();
                        break;
                    default:
                        if (!WaitForRoom(limit))
                        {
                            goto Refused;
                        }

                        if (_closed)
                        {
                            goto Dead;
                        }

                        break;
                }
            }

            wasEmpty = _count == 0;
            Append(envelope);
        }

        if (dropped is { } oldest)
        {
            CountDropped(oldest, "mailbox full: oldest message dropped");
        }

        return true;

    Refused:
        CountDropped(envelope, $"mailbox full ({capacity} messages)");
        return false;

    Dead:
        _system.DeadLetters.Publish(envelope.Message, envelope.Sender, this);
        return false;
    }

    /// <summary>Back-pressure: the sender waits on the monitor, which a dequeue from a full mailbox pulses.</summary>
    private bool WaitForRoom(int limit)
    {
        var deadline = Environment.TickCount64 + (long)_props.Mailbox.PushTimeout.TotalMilliseconds;
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
        var grown = new Envelope[old is null ? InitialCapacity : old.Length * 2];
        for (var i = 0; i < _count; i++)
        {
            grown[i] = old![(_head + i) & (old.Length - 1)];
        }

        _queue = grown;
        _head = 0;
        return grown;
    }

    private bool TryDequeue(out Envelope envelope)
    {
        lock (this)
        {
            if (_count == 0)
            {
                envelope = default;
                return false;
            }

            envelope = TakeFirst();
            if (_props.Mailbox.Overflow == MailboxOverflow.BackPressure && _count + 1 == _props.Mailbox.Capacity)
            {
                Monitor.PulseAll(this);
            }

            return true;
        }
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

    /// <summary>Puts messages back at the front, in their order: unstashing.</summary>
    internal void Prepend(IReadOnlyList<Envelope> envelopes)
    {
        lock (this)
        {
            if (_closed)
            {
                return;
            }

            for (var i = envelopes.Count - 1; i >= 0; i--)
            {
                var queue = _queue;
                if (queue is null || _count == queue.Length)
                {
                    queue = Grow();
                }

                _head = (_head - 1) & (queue.Length - 1);
                queue[_head] = envelopes[i];
                _count++;
            }
        }
    }

    private SystemMessageNode? TakeSystemMessages()
    {
        if (Volatile.Read(ref _systemHead) is null)
        {
            return null;
        }

        lock (this)
        {
            var head = _systemHead;
            _systemHead = _systemTail = null;
            return head;
        }
    }

    /// <summary>Closes the mailbox for good and hands back what was still in it.</summary>
    private (List<Envelope> Messages, SystemMessageNode? System) CloseMailbox()
    {
        lock (this)
        {
            Volatile.Write(ref _closed, true);
            var messages = new List<Envelope>(_count);
            while (_count > 0)
            {
                messages.Add(TakeFirst());
            }

            _queue = null;
            var system = _systemHead;
            _systemHead = _systemTail = null;
            Monitor.PulseAll(this);
            return (messages, system);
        }
    }

    private void CountDropped(in Envelope envelope, string reason)
    {
        Interlocked.Increment(ref Extras.DroppedMessages);
        _system.DeadLetters.CountDropped();
        Publish(new Dropped(envelope.Message, envelope.Sender, this, reason));
    }

    private sealed class SystemMessageNode(SystemMessage message)
    {
        public SystemMessage Message { get; } = message;

        public SystemMessageNode? Next { get; set; }
    }
}
