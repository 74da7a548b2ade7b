using System.Buffers;

namespace Broker.Mqtt.Tests.Codec.Support;

/// <summary>
/// Builds a <see cref="ReadOnlySequence{T}"/> cut at chosen points, as a pipe delivers bytes that arrived
/// in several reads. Every segment is a fresh array with guard bytes on both sides, so that a reader that
/// treated a segment as if it continued in memory would read garbage rather than the right bytes.
/// </summary>
internal static class Segments
{
    private const byte Guard = 0xEE;

    /// <summary>The bytes as one segment of an array that holds nothing else.</summary>
    public static ReadOnlySequence<byte> Single(byte[] data) => new(data);

    /// <summary>
    /// Cuts <paramref name="data"/> before each position in <paramref name="cuts"/> (ascending, 0..length;
    /// a repeated position or a cut at either end makes an empty segment, which a pipe may also deliver).
    /// </summary>
    public static ReadOnlySequence<byte> Split(ReadOnlySpan<byte> data, params int[] cuts)
    {
        Segment? first = null;
        Segment? last = null;
        var start = 0;
        foreach (var cut in cuts.Append(data.Length))
        {
            if (cut < start || cut > data.Length)
            {
                throw new ArgumentOutOfRangeException(nameof(cuts), $"cut {cut} is out of order or beyond {data.Length}");
            }

            var segment = new Segment(Copy(data[start..cut]), last);
            first ??= segment;
            last = segment;
            start = cut;
        }

        return new ReadOnlySequence<byte>(first!, 0, last!, last!.Memory.Length);
    }

    /// <summary>Every byte in a segment of its own: the worst a network can do.</summary>
    public static ReadOnlySequence<byte> OneBytePerSegment(ReadOnlySpan<byte> data) =>
        Split(data, Enumerable.Range(1, Math.Max(0, data.Length - 1)).ToArray());

    /// <summary>Up to <paramref name="maximumCuts"/> cuts at random positions, repeats (empty segments) allowed.</summary>
    public static ReadOnlySequence<byte> RandomCuts(ReadOnlySpan<byte> data, Random random, int maximumCuts)
    {
        var count = random.Next(maximumCuts + 1);
        var cuts = new int[count];
        for (var i = 0; i < count; i++)
        {
            cuts[i] = random.Next(data.Length + 1);
        }

        Array.Sort(cuts);
        return Split(data, cuts);
    }

    /// <summary>The same memory <paramref name="count"/> times over: a long sequence that costs one array.</summary>
    public static ReadOnlySequence<byte> Repeated(ReadOnlyMemory<byte> memory, int count)
    {
        var first = new Segment(memory, null);
        var last = first;
        for (var i = 1; i < count; i++)
        {
            last = new Segment(memory, last);
        }

        return new ReadOnlySequence<byte>(first, 0, last, memory.Length);
    }

    private static ReadOnlyMemory<byte> Copy(ReadOnlySpan<byte> bytes)
    {
        var array = new byte[bytes.Length + 2];
        array[0] = Guard;
        array[^1] = Guard;
        bytes.CopyTo(array.AsSpan(1));
        return array.AsMemory(1, bytes.Length);
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory, Segment? previous)
        {
            Memory = memory;
            if (previous is not null)
            {
                RunningIndex = previous.RunningIndex + previous.Memory.Length;
                previous.Next = this;
            }
        }
    }
}
