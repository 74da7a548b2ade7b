namespace Broker.Host.Bench;

/// <summary>
/// What one subscriber received from one publisher: a bit per sequence number tells a duplicate (seen before)
/// from a first delivery, and an out-of-order delivery is one whose sequence is lower than the last one seen
/// from this publisher on this subscriber (duplicates are not counted again as out of order).
/// The bitmap grows with the highest sequence: one bit per message sent.
/// </summary>
public sealed class PublisherStream
{
    /// <summary>Sequences beyond this are not from this bench (a bitmap of 256 MB); they are counted as foreign.</summary>
    public const long MaxSequence = (1L << 31) - 1;

    private ulong[] _seen = new ulong[16];

    public long Unique { get; private set; }

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
        var word = (int)(sequence >> 6);
        if (word >= _seen.Length)
            Array.Resize(ref _seen, Math.Max(word + 1, _seen.Length * 2));
        var bit = 1UL << (int)(sequence & 63);
        if ((_seen[word] & bit) != 0)
        {
            Duplicates++;
        }
        else
        {
            _seen[word] |= bit;
            Unique++;
            if (sequence < Last)
                OutOfOrder++;
            Lowest = Math.Min(Lowest, sequence);
            Highest = Math.Max(Highest, sequence);
        }
        Last = sequence;
        return true;
    }
}
