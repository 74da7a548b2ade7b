namespace Broker.Actors.Persistence;

public abstract partial class PersistentActor
{
    // Events persisted while the current message is handled, sent as one atomic write after it. Made on first
    // use, as the queues below: an actor that never persists (an MQTT session that ends with its connection) pays nothing.
    private List<Invocation>? _batch;

    // Sent, in the order of their sequence numbers, waiting for their writes to complete.
    private Queue<Invocation>? _pendingInvocations;
    private Queue<PendingWrite>? _pendingWrites;
    private int _pendingStashingInvocations;
    private long _nextSequenceNr;
    private long _writeIds;

    /// <summary>
    /// Stores <paramref name="event"/>, then calls <paramref name="handler"/> with it (on this actor's turn, with
    /// <see cref="LastSequenceNr"/> set to its number). Until the handler has run, new commands are stashed, so
    /// the next command sees the state the event made. Events persisted by one command are stored atomically.
    /// </summary>
    protected void Persist<TEvent>(TEvent @event, Action<TEvent> handler)
        where TEvent : notnull => Add(@event, handler, stashing: true);

    /// <summary>Stores the events atomically, each handler running in order once they are; commands wait as with <see cref="Persist{TEvent}"/>.</summary>
    protected void PersistAll<TEvent>(IEnumerable<TEvent> events, Action<TEvent> handler)
        where TEvent : notnull => AddAll(events, handler, stashing: true);

    /// <summary>
    /// Stores <paramref name="event"/> and calls <paramref name="handler"/> once it is, without stashing commands
    /// meanwhile: for throughput, when the next command does not depend on the event's effect. Handlers of all
    /// persist calls still run in the order of the calls.
    /// </summary>
    protected void PersistAsync<TEvent>(TEvent @event, Action<TEvent> handler)
        where TEvent : notnull => Add(@event, handler, stashing: false);

    /// <summary><see cref="PersistAsync{TEvent}"/> for several events, stored atomically.</summary>
    protected void PersistAllAsync<TEvent>(IEnumerable<TEvent> events, Action<TEvent> handler)
        where TEvent : notnull => AddAll(events, handler, stashing: false);

    private void AddAll<TEvent>(IEnumerable<TEvent> events, Action<TEvent> handler, bool stashing)
        where TEvent : notnull
    {
        foreach (var @event in events)
        {
            Add(@event, handler, stashing);
        }
    }

    private void Add<TEvent>(TEvent @event, Action<TEvent> handler, bool stashing)
        where TEvent : notnull
    {
        ArgumentNullException.ThrowIfNull(@event);
        ArgumentNullException.ThrowIfNull(handler);
        if (_recovering)
        {
            throw new InvalidOperationException("A persistent actor cannot persist while it recovers.");
        }

        // Serialized now, on the caller's turn: a type nobody registered fails the command that persisted it.
        var serialized = Serializers.Serialize(@event);
        (_batch ??= []).Add(new Invocation(++_nextSequenceNr, @event, serialized.Manifest, serialized.Bytes, e => handler((TEvent)e), stashing));
        if (stashing)
        {
            _pendingStashingInvocations++;
        }
    }

    private void FlushBatch()
    {
        if (_batch is not { Count: > 0 } batch || _stopping)
        {
            return;
        }

        var persistenceId = PersistenceId;
        var entries = new JournalEntry[batch.Count];
        _pendingInvocations ??= new();
        for (var i = 0; i < batch.Count; i++)
        {
            var invocation = batch[i];
            entries[i] = new JournalEntry(persistenceId, invocation.SequenceNr, invocation.Manifest, invocation.Payload);
            _pendingInvocations.Enqueue(invocation);
        }

        var write = new PendingWrite(++_writeIds, batch.Count);
        (_pendingWrites ??= new()).Enqueue(write);
        batch.Clear();
        _ = ReportWhenWrittenAsync(Persistence.Journal.WriteAsync(new AtomicWrite(persistenceId, entries)), write.Id, Self);
    }

    private async Task ReportWhenWrittenAsync(Task written, long writeId, IActorRef self)
    {
        try
        {
            await written.ConfigureAwait(false);
            self.Tell(new WriteCompleted(this, writeId, null));
        }
        catch (Exception e)
        {
            self.Tell(new WriteCompleted(this, writeId, e));
        }
    }

    /// <summary>Runs the handlers of the writes completed so far, in the order they were sent, whatever order the replies came in.</summary>
    private void HandleWriteCompleted(WriteCompleted completed)
    {
        if (_pendingWrites is null || _pendingInvocations is null)
        {
            return;
        }

        foreach (var write in _pendingWrites)
        {
            if (write.Id == completed.WriteId)
            {
                write.Completed = true;
                write.Cause = completed.Cause;
                break;
            }
        }

        while (_pendingWrites.TryPeek(out var head) && head.Completed && !_stopping)
        {
            _pendingWrites.Dequeue();
            if (head.Cause is { } cause)
            {
                FailPersist(cause, _pendingInvocations.Peek());
                return;
            }

            for (var i = 0; i < head.Count; i++)
            {
                var invocation = _pendingInvocations.Dequeue();
                if (invocation.Stashing)
                {
                    _pendingStashingInvocations--;
                }

                LastSequenceNr = invocation.SequenceNr;
                invocation.Handler(invocation.Event);
                SnapshotIfDue();
            }
        }

        if (_pendingStashingInvocations == 0)
        {
            Cell.InternalStash.UnstashAll();
        }
    }

    private void FailPersist(Exception cause, Invocation invocation)
    {
        try
        {
            OnPersistFailure(cause, invocation.Event, invocation.SequenceNr);
        }
        finally
        {
            StopAfterFailure();
        }
    }

    private sealed record Invocation(long SequenceNr, object Event, string Manifest, byte[] Payload, Action<object> Handler, bool Stashing);

    private sealed class PendingWrite(long id, int count)
    {
        public long Id { get; } = id;

        public int Count { get; } = count;

        public bool Completed { get; set; }

        public Exception? Cause { get; set; }
    }
}
