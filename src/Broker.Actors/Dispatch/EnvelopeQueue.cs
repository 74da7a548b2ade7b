namespace Broker.Actors;

/// <summary>
/// An actor's ordinary messages: a lock-free queue for many producers and one consumer, made of
/// <see cref="EnvelopeSegment"/> rings linked in order. The first ring is made by the first message and
/// is small (<see cref="InitialCapacity"/>), so an actor that was never told anything holds no ring and
/// an idle one a small ring; a ring that fills is frozen and followed by one twice its size (up to
/// <see cref="MaxCapacity"/>), so a busy actor settles on a ring as big as
/// its longest queue and reuses it with no allocation per message. Rings are never shrunk: like the
/// ring buffer before it, an actor keeps the ring of its longest queue.
/// <para>Order: a ring's positions are claimed in order, a frozen ring takes no more, and
/// <see cref="_tail"/> only moves forward along the chain, so each sender's messages land in order;
/// the consumer reads the rings in chain order, each to its end.</para>
/// <para>A struct embedded in <see cref="ActorCell"/> (never copied), to spare the cell an object.</para>
/// </summary>
internal struct EnvelopeQueue
{
    /// <summary>Two envelopes: enough for most sessions, which hold a message or two at a time.</summary>
    public const int InitialCapacity = 2;

    /// <summary>
    /// As ConcurrentQueue's segments. Not lower: a ring is given up only when outgrown, and a queue
    /// longer than the largest ring would use each further ring once, allocating for every message.
    /// (A cap low enough to stay off the large object heap did that in the fan-in benchmark.)
    /// </summary>
    public const int MaxCapacity = 1 << 20;

    /// <summary>
    /// The consumer's ring. Null until the first message: the producer that makes the first ring puts it
    /// here before anywhere else, so that the consumer starts from it even if the tail has moved on.
    /// </summary>
    private EnvelopeSegment? _head;

    /// <summary>The ring producers start from: the last one, or one before it (never after).</summary>
    private EnvelopeSegment? _tail;

    /// <summary>Any thread. False: the queue is closed and the message was not taken (it belongs to dead letters).</summary>
    public bool TryEnqueue(in Envelope envelope)
    {
        var segment = Volatile.Read(ref _tail) ?? FirstSegment();
        while (true)
        {
            switch (segment.TryEnqueue(envelope))
            {
                case EnvelopeSegment.EnqueueResult.Enqueued:
                    return true;
                case EnvelopeSegment.EnqueueResult.Closed:
                    return false;
                default:
                    var next = segment.LinkNext(Math.Min(segment.Capacity * 2, MaxCapacity));

                    // Fails when another thread moved the tail on already, to this ring or further.
                    Interlocked.CompareExchange(ref _tail, next, segment);
                    segment = next;
                    break;
            }
        }
    }

    /// <summary>The consumer only.</summary>
    public bool TryDequeue(out Envelope envelope)
    {
        var segment = Volatile.Read(ref _head);
        while (segment is not null)
        {
            switch (segment.TryDequeue(out envelope))
            {
                case EnvelopeSegment.DequeueResult.Taken:
                    return true;
                case EnvelopeSegment.DequeueResult.Empty:
                    return false;
                default:
                    if (segment.IsClosed)
                    {
                        return false;
                    }

                    // Frozen by a producer that found it full and goes on in the next ring: link that
                    // ring if the producer has not yet.
                    segment = segment.LinkNext(Math.Min(segment.Capacity * 2, MaxCapacity));
                    Volatile.Write(ref _head, segment);
                    break;
            }
        }

        envelope = default;
        return false;
    }

    /// <summary>
    /// The consumer only: whether a message has been claimed that it has not taken yet, published or
    /// about to be. This is what the end of a turn reads after clearing the scheduled flag (see
    /// <see cref="ActorCell.Execute"/>): a claim is a compare-and-swap, so either this read sees it, or
    /// the producer, which reads the flag after its claim, sees the flag cleared and schedules the actor.
    /// </summary>
    public bool HasClaims => Volatile.Read(ref _head) is { } segment && segment.HasClaims;

    /// <summary>
    /// The consumer only, once: no message can be claimed after this returns, and every message claimed
    /// before is still in the queue for <see cref="TryDequeue"/> to take. A producer whose claim fails
    /// gets false from <see cref="TryEnqueue"/>, so every message is either drained or refused, never both.
    /// </summary>
    public void Close()
    {
        // From the consumer's ring: the tail may not be set yet. The last ring can be frozen (full) with
        // nothing after it yet.
        var segment = Volatile.Read(ref _head);
        if (segment is null && (segment = Interlocked.CompareExchange(ref _head, EnvelopeSegment.Sealed, null)) is null)
        {
            return;
        }

        while (!segment.TrySeal())
        {
            segment = segment.Next ?? segment.LinkSealed();
        }
    }

    /// <summary>The consumer only, after <see cref="Close"/> and draining: lets the rings go, since a stopped actor's cell may be kept a while.</summary>
    public void Release()
    {
        Volatile.Write(ref _head, EnvelopeSegment.Sealed);
        Volatile.Write(ref _tail, EnvelopeSegment.Sealed);
    }

    /// <summary>
    /// With no tail yet: the first ring, made here unless another producer made it first; or, if the
    /// consumer has moved on from it already, the consumer's ring, from which the chain leads to the last.
    /// </summary>
    private EnvelopeSegment FirstSegment()
    {
        var head = Volatile.Read(ref _head);
        if (head is null)
        {
            var first = new EnvelopeSegment(InitialCapacity);
            head = Interlocked.CompareExchange(ref _head, first, null) ?? first;
        }

        Interlocked.CompareExchange(ref _tail, head, null);
        return head;
    }
}
