using System.Numerics;

namespace Broker.Host.Bench;

/// <summary>
/// A set of one publisher's sequence numbers, 0..<see cref="MaxSequence"/>: a bitmap that grows with the highest
/// sequence added, one bit per message of the run. What a subscriber received from a publisher, and what the broker
/// acknowledged to it, are two such sets; <see cref="CountMissingFrom"/> compares them. Written by one thread; <see
/// cref="Count"/> may be read from another (a slightly stale figure).
/// </summary>
public sealed class SequenceSet
{
    /// <summary>Sequences beyond this are not from this bench (a bitmap of 256 MB).</summary>
    public const long MaxSequence = (1L << 31) - 1;

    private ulong[] _words = new ulong[16];
    private long _count;

    public long Count => Volatile.Read(ref _count);

    /// <returns>False when the sequence was already in the set.</returns>
    /// <exception cref="ArgumentOutOfRangeException">The sequence is below 0 or above <see cref="MaxSequence"/>.</exception>
    public bool Add(long sequence)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(sequence);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(sequence, MaxSequence);
        var word = (int)(sequence >> 6);
        if (word >= _words.Length)
            Array.Resize(ref _words, Math.Max(word + 1, _words.Length * 2));
        var bit = 1UL << (int)(sequence & 63);
        if ((_words[word] & bit) != 0)
            return false;
        _words[word] |= bit;
        Volatile.Write(ref _count, _count + 1);
        return true;
    }

    public bool Contains(long sequence)
    {
        if (sequence < 0 || sequence > MaxSequence)
            return false;
        var word = (int)(sequence >> 6);
        return word < _words.Length && (_words[word] & (1UL << (int)(sequence & 63))) != 0;
    }

    /// <summary>How many sequences of this set <paramref name="other"/> lacks (all of them when it is null).</summary>
    public long CountMissingFrom(SequenceSet? other)
    {
        if (other is null)
            return Count;
        long missing = 0;
        for (var i = 0; i < _words.Length; i++)
        {
            var theirs = i < other._words.Length ? other._words[i] : 0;
            missing += BitOperations.PopCount(_words[i] & ~theirs);
        }
        return missing;
    }
}
