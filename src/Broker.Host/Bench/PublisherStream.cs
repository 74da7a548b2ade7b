namespace Broker.Host.Bench;

/// <summary>
/// What one subscriber received from one publisher: the set of sequences seen tells a duplicate (seen before) from a
/// first delivery, and an out-of-order delivery is one whose sequence is lower than the last one seen from this
/// publisher on this subscriber (duplicates are not counted again as out of order).
/// </summary>
public sealed class PublisherStream
{
    /// <summary>Sequences beyond this are not from this bench; they are counted as foreign.</summary>
    public const long MaxSequence = SequenceSet.MaxSequence;

    /// <summary>The distinct sequences received.</summary>
    public SequenceSet Seen { get; } = new();

    public long Unique => Seen.Count;

    public long Duplicates { get; private set; }

    public long OutOfOrder { get; private set; }

    public long Last { get; private set; } = -1;

    public long Lowest { get; private set; } = long.MaxValue;

    public long Highest { get; private set; } = -1;

    /// <summary>Messages missing between the lowest and highest sequence seen: the loss a subscriber can tell on its own.</summary>
    public long Gaps => Unique == 0 ? 0 : Highest - Lowest + 1 - Unique;

    /// <returns>False when the sequence cannot be one of ours.</returns>
    public bool Record(long sequence)
    {
        if (sequence < 0 || sequence > MaxSequence)
            return false;
        if (!Seen.Add(sequence))
        {
            Duplicates++;
        }
        else
        {
            if (sequence < Last)
                OutOfOrder++;
            Lowest = Math.Min(Lowest, sequence);
            Highest = Math.Max(Highest, sequence);
        }
        Last = sequence;
        return true;
    }
}
