namespace Broker.Actors;

/// <summary>
/// One ring of an <see cref="EnvelopeQueue"/>: Dmitry Vyukov's bounded queue, where every slot carries a
/// sequence number that says whose turn the slot is, reduced to a single consumer. A producer claims
/// position <c>p</c> with a compare-and-swap on <see cref="_enqueuePosition"/> once its slot's sequence is
/// <c>p</c> (free), writes the envelope and publishes it by setting the sequence to <c>p + 1</c>; the
/// consumer takes the slot when the sequence is <c>p + 1</c> and frees it for the next lap by setting it
/// to <c>p + capacity</c>. The ring is reused lap after lap, so a mailbox that never holds more than its
/// capacity allocates nothing per message.
/// <para>When a producer finds its slot still taken from the previous lap (the ring is full), it
/// freezes the ring: the <see cref="Frozen"/> bit, set with the same compare-and-swap the producers claim
/// positions with, so that no position can be claimed after it, and every later message goes to
/// <see cref="Next"/>. The consumer leaves a ring only once it is frozen and every claimed position has
/// been taken, so the rings are read in order and each one completely. <see cref="Closed"/> (with
/// <see cref="Frozen"/>) seals the last ring when the actor stops: a producer whose claim fails on it
/// sends its message to dead letters, and every message claimed before is the closer's to drain.</para>
/// </summary>
internal sealed class EnvelopeSegment
{
    /// <summary>No more positions can be claimed here: later messages go to the next ring.</summary>
    public const long Frozen = 1L << 62;

    /// <summary>The mailbox is closed: nothing more can be claimed, here or after.</summary>
    public const long Closed = 1L << 61;

    private const long PositionMask = Closed - 1;

    /// <summary>A ring that is closed from the start, for a mailbox closed before its first message.</summary>
    public static readonly EnvelopeSegment Sealed = new(1, Frozen | Closed);

    private readonly Slot[] _slots;

    /// <summary>The next position to claim, with <see cref="Frozen"/> and <see cref="Closed"/> in its high bits. Producers only, by compare-and-swap.</summary>
    private long _enqueuePosition;

    /// <summary>The next position to take. The consumer's alone.</summary>
    private long _dequeuePosition;

    private EnvelopeSegment? _next;

    public EnvelopeSegment(int capacity)
        : this(capacity, 0)
    {
    }

    private EnvelopeSegment(int capacity, long flags)
    {
        if (capacity <= 0 || (capacity & (capacity - 1)) != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(capacity), capacity, "The capacity of a ring is a power of two.");
        }

        _slots = new Slot[capacity];
        for (var i = 0; i < capacity; i++)
        {
            _slots[i].Sequence = i;
        }

        _enqueuePosition = flags;
    }

    public enum EnqueueResult
    {
        Enqueued,

        /// <summary>Frozen (full): the message belongs in the next ring.</summary>
        Frozen,

        /// <summary>Closed: the message goes to dead letters.</summary>
        Closed,
    }

    public enum DequeueResult
    {
        Taken,

        /// <summary>Nothing claimed beyond the consumer's position, and more may come here.</summary>
        Empty,

        /// <summary>Frozen and every claimed position taken: what comes next is in the next ring.</summary>
        Exhausted,
    }

    public int Capacity => _slots.Length;

    public EnvelopeSegment? Next => Volatile.Read(ref _next);

    public bool IsClosed => (Volatile.Read(ref _enqueuePosition) & Closed) != 0;

    /// <summary>
    /// Consumer only: whether anything has been claimed beyond what was taken, or a producer has frozen
    /// this ring to go on in the next one. Claimed, not published: a producer that has claimed a position
    /// will publish it a few instructions later, and the consumer waits for it (see <see cref="TryDequeue"/>).
    /// </summary>
    public bool HasClaims
    {
        get
        {
            var position = Volatile.Read(ref _enqueuePosition);
            return (position & PositionMask) != _dequeuePosition || (position & (Frozen | Closed)) == Frozen;
        }
    }

    /// <summary>Any number of producers at once. Claiming is a compare-and-swap: a full fence.</summary>
    public EnqueueResult TryEnqueue(in Envelope envelope)
    {
        var mask = _slots.Length - 1;
        while (true)
        {
            var position = Volatile.Read(ref _enqueuePosition);
            if ((position & (Frozen | Closed)) != 0)
            {
                return (position & Closed) != 0 ? EnqueueResult.Closed : EnqueueResult.Frozen;
            }

            ref var slot = ref _slots[position & mask];
            var lag = Volatile.Read(ref slot.Sequence) - position;
            if (lag == 0)
            {
                if (Interlocked.CompareExchange(ref _enqueuePosition, position + 1, position) == position)
                {
                    slot.Envelope = envelope;
                    Volatile.Write(ref slot.Sequence, position + 1);
                    return EnqueueResult.Enqueued;
                }
            }
            else if (lag < 0)
            {
                // The slot still holds the message of the previous lap: full. Freezing can fail only
                // because another producer claimed or froze first; either way, look again.
                if (Interlocked.CompareExchange(ref _enqueuePosition, position | Frozen, position) == position)
                {
                    return EnqueueResult.Frozen;
                }
            }

            // Otherwise another producer claimed this position after we read it: read the next one.
        }
    }

    /// <summary>The single consumer.</summary>
    public DequeueResult TryDequeue(out Envelope envelope)
    {
        var position = _dequeuePosition;
        ref var slot = ref _slots[position & (_slots.Length - 1)];
        var spinner = default(SpinWait);
        while (true)
        {
            if (Volatile.Read(ref slot.Sequence) == position + 1)
            {
                envelope = slot.Envelope;
                slot.Envelope = default; // the message must not outlive its delivery in the ring
                Volatile.Write(ref slot.Sequence, position + _slots.Length);
                _dequeuePosition = position + 1;
                return DequeueResult.Taken;
            }

            var claimed = Volatile.Read(ref _enqueuePosition);
            if ((claimed & PositionMask) == position)
            {
                envelope = default;
                return (claimed & Frozen) != 0 ? DequeueResult.Exhausted : DequeueResult.Empty;
            }

            // A producer has claimed this position and not yet published it: it is between its
            // compare-and-swap and the next write, unless the OS preempted it there. Returning "empty"
            // would be wrong (it may already have seen this actor scheduled and left); waiting is short.
            spinner.SpinOnce(sleep1Threshold: -1);
        }
    }

    /// <summary>Freezes and closes this ring unless it is frozen already (then the seal goes on the next one).</summary>
    public bool TrySeal()
    {
        while (true)
        {
            var position = Volatile.Read(ref _enqueuePosition);
            if ((position & Frozen) != 0)
            {
                return (position & Closed) != 0;
            }

            if (Interlocked.CompareExchange(ref _enqueuePosition, position | Frozen | Closed, position) == position)
            {
                return true;
            }
        }
    }

    /// <summary>
    /// The ring after this frozen one, linked by whoever needs it first, producer or consumer: nobody
    /// waits for the producer that froze it, which may have been preempted. A loser's ring is garbage.
    /// </summary>
    public EnvelopeSegment LinkNext(int capacity)
    {
        return Volatile.Read(ref _next)
            ?? Interlocked.CompareExchange(ref _next, new EnvelopeSegment(capacity), null)
            ?? _next!;
    }

    /// <summary>Closes the mailbox after this frozen ring, unless a next ring was linked first.</summary>
    public EnvelopeSegment LinkSealed() => Interlocked.CompareExchange(ref _next, Sealed, null) ?? Sealed;

    private struct Slot
    {
        public Envelope Envelope;
        public long Sequence;
    }
}
