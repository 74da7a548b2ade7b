namespace Broker.Actors;

/// <summary>
/// The mailbox, inline in the cell: ordinary messages in a lock-free multi-producer, single-consumer
/// <see cref="EnvelopeQueue"/>, system messages on a lock-free stack, and unstashed messages on a stack only the actor's turn
/// touches. The cell is its own thread-pool work item: a turn processes the system messages, then up to
/// <c>throughput</c> ordinary ones, and <see cref="_scheduled"/> makes sure only one turn runs at a time.
/// <para>No wakeup is lost. A sender first makes its message visible with an interlocked instruction (the
/// claim of a slot, the push of a system message), then reads <see cref="_scheduled"/> and schedules the
/// cell if it is clear. A turn ends by clearing <see cref="_scheduled"/> with an interlocked exchange, then
/// looks for claimed messages and reschedules itself if there are any. Both sides write, fence, then read
/// what the other wrote, so they cannot both read the old value: either the turn sees the message, or the
/// sender sees the flag cleared; both may, and the compare-and-swap in <see cref="Schedule"/> lets only
/// one of them queue the cell.</para>
/// </summary>
internal sealed partial class ActorCell : IThreadPoolWorkItem
{
    /// <summary>Marks the system messages of a stopped actor: a push that finds it goes to the dead actor's handling.</summary>
    private static readonly SystemMessageNode ClosedSystemMessages = new(StopActor.Instance);

    private EnvelopeQueue _mailbox;

    /// <summary>Newest first; reversed when taken.</summary>
    private SystemMessageNode? _systemMessages;
    private int _scheduled;
    private int _suspendCount;
    private bool _closed;

    /// <summary>A run of this actor is queued or going on (tests wait for an actor to be idle with it).</summary>
    internal bool IsScheduled => Volatile.Read(ref _scheduled) == 1;

    public void Tell(object message, IActorRef? sender = null)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (_mailbox.TryEnqueue(new Envelope(message, sender)))
        {
            // Every send reads the flag (the claim above was the fence), but Schedule only writes it when
            // the cell is idle: under load the cache line stays shared.
            Schedule();
        }
        else
        {
            _system.DeadLetters.Publish(message, sender, this);
        }
    }

    /// <summary>
    /// <see cref="Tell"/>, then, when the actor is idle and this thread runs no actor, its turn on this thread
    /// instead of a thread-pool work item (see <see cref="ActorRefExtensions.TellAndRun"/>).
    /// </summary>
    public void TellAndRun(object message, IActorRef? sender)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (AfterRun.IsOpen || !_mailbox.TryEnqueue(new Envelope(message, sender)))
        {
            Tell(message, sender);
            return;
        }

        if (Volatile.Read(ref _scheduled) == 0 && Interlocked.CompareExchange(ref _scheduled, 1, 0) == 0)
        {
            AfterRun.RunLent(this);
        }
    }

    public void SendSystemMessage(SystemMessage message)
    {
        var node = new SystemMessageNode(message);
        while (true)
        {
            var head = Volatile.Read(ref _systemMessages);
            if (ReferenceEquals(head, ClosedSystemMessages))
            {
                SystemMessageToDeadActor(message);
                return;
            }

            node.Next = head;
            if (Interlocked.CompareExchange(ref _systemMessages, node, head) == head)
            {
                Schedule();
                return;
            }
        }
    }

    /// <summary>
    /// One turn, on a thread-pool thread or on a thread an I/O edge lent (<see cref="TellAndRun"/>, the next slot of
    /// <see cref="AfterRun"/>). Never runs twice at once for one cell.
    /// </summary>
    public void Execute()
    {
        var ownsAfterRun = AfterRun.Open();
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
                if (HasSystemMessages)
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
            if (ownsAfterRun)
            {
                // Still scheduled: what the turn deferred runs before another run of this actor can start.
                AfterRun.Close(this);
            }

            // Exchange, not a plain write: the fence of the protocol in the class comment.
            Interlocked.Exchange(ref _scheduled, 0);
            if (HasPendingWork)
            {
                Schedule();
            }
        }

        if (ownsAfterRun)
        {
            AfterRun.RunNext();
        }
    }

    private bool CanProcessMessages => _state == LifecycleState.Running && _suspendCount == 0;

    private bool HasSystemMessages => Volatile.Read(ref _systemMessages) is { } head && !ReferenceEquals(head, ClosedSystemMessages);

    internal bool HasPendingWork => HasSystemMessages || (CanProcessMessages && HasMessages);

    /// <summary>The consumer only.</summary>
    private bool HasMessages => _extras?.Unstashed is { Count: > 0 } || _mailbox.HasClaims;

    private void Schedule()
    {
        // Read before the compare-and-swap: under load the cell is usually scheduled already, and a
        // plain read keeps the cache line shared between the cores instead of taking it exclusively.
        if (Volatile.Read(ref _scheduled) == 0 && Interlocked.CompareExchange(ref _scheduled, 1, 0) == 0
            && !AfterRun.TryTakeNext(this))
        {
            ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: true);
        }
    }

    /// <summary>The consumer only: unstashed messages first, then the mailbox.</summary>
    private bool TryDequeue(out Envelope envelope)
    {
        if (_extras?.Unstashed is { Count: > 0 } unstashed)
        {
            envelope = unstashed[^1];
            unstashed.RemoveAt(unstashed.Count - 1);
            return true;
        }

        return _mailbox.TryDequeue(out envelope);
    }

    /// <summary>
    /// Puts messages back at the front, in their order: unstashing. The consumer only (the actor's own
    /// turn), so they go on a stack of its own, taken before the mailbox, rather than into the queue.
    /// </summary>
    internal void Prepend(IReadOnlyList<Envelope> envelopes)
    {
        if (Volatile.Read(ref _closed))
        {
            foreach (var envelope in envelopes)
            {
                _system.DeadLetters.Publish(envelope.Message, envelope.Sender, this);
            }

            return;
        }

        var unstashed = Extras.Unstashed ??= [];
        for (var i = envelopes.Count - 1; i >= 0; i--)
        {
            unstashed.Add(envelopes[i]);
        }
    }

    /// <summary>All waiting system messages, oldest first.</summary>
    private SystemMessageNode? TakeSystemMessages() =>
        HasSystemMessages ? Reverse(Interlocked.Exchange(ref _systemMessages, null)) : null;

    /// <summary>Closes the mailbox for good and hands back what was still in it, unstashed messages first.</summary>
    private (List<Envelope> Messages, SystemMessageNode? System) CloseMailbox()
    {
        Volatile.Write(ref _closed, true);
        var messages = new List<Envelope>();
        if (_extras?.Unstashed is { } unstashed)
        {
            for (var i = unstashed.Count - 1; i >= 0; i--)
            {
                messages.Add(unstashed[i]);
            }

            _extras.Unstashed = null;
        }

        _mailbox.Close();
        while (_mailbox.TryDequeue(out var envelope))
        {
            messages.Add(envelope);
        }

        _mailbox.Release();

        var system = Interlocked.Exchange(ref _systemMessages, ClosedSystemMessages);
        return (messages, Reverse(system));
    }

    private static SystemMessageNode? Reverse(SystemMessageNode? node)
    {
        SystemMessageNode? reversed = null;
        while (node is not null)
        {
            var next = node.Next;
            node.Next = reversed;
            reversed = node;
            node = next;
        }

        return reversed;
    }

    private sealed class SystemMessageNode(SystemMessage message)
    {
        public SystemMessage Message { get; } = message;

        public SystemMessageNode? Next;
    }
}
