namespace Broker.Host.Bench;

/// <summary>
/// Latencies in microseconds, log-linear like HdrHistogram: values below 128 have a bucket each; above,
/// every power of two is cut into 64 equal buckets, so a bucket is at most 1/64 (1.6 %) of its value wide.
/// Fixed memory (2,048 counters, 16 KB), no allocation per value, and two histograms merge by adding counts,
/// which is how the subscribers' histograms become the run's.
/// <code>
///   v &lt; 128:   index = v
///   v &gt;= 128:  shift = floor(log2 v) - 6 (so v &gt;&gt; shift is in [64, 128)), index = 128 + (shift - 1) * 64 + (v &gt;&gt; shift) - 64
/// </code>
/// Values above <see cref="MaxTrackable"/> (about 19 hours) are counted in the last bucket.
/// </summary>
public sealed class LatencyHistogram
{
    public const long MaxTrackable = (1L << 36) - 1;

    private const int Linear = 128;
    private const int SubBuckets = 64;
    private const int SubBucketBits = 6;
    private const int BucketCount = Linear + ((36 - SubBucketBits - 1) * SubBuckets);

    private readonly long[] _counts = new long[BucketCount];

    public long Count { get; private set; }

    public long Max { get; private set; }

    public long Min { get; private set; } = long.MaxValue;

    public void Record(long microseconds)
    {
        var value = Math.Clamp(microseconds, 0, MaxTrackable);
        _counts[IndexOf(value)]++;
        Count++;
        if (value > Max)
            Max = value;
        if (value < Min)
            Min = value;
    }

    public void Add(LatencyHistogram other)
    {
        ArgumentNullException.ThrowIfNull(other);
        for (var i = 0; i < _counts.Length; i++)
            _counts[i] += other._counts[i];
        Count += other.Count;
        Max = Math.Max(Max, other.Max);
        Min = Math.Min(Min, other.Min);
    }

    public void Clear()
    {
        Array.Clear(_counts);
        Count = 0;
        Max = 0;
        Min = long.MaxValue;
    }

    /// <summary>
    /// The smallest value such that at least <paramref name="percentile"/> % of the values are at or below it,
    /// reported as the highest value of its bucket (never above <see cref="Max"/>): the same convention as HdrHistogram.
    /// 0 when empty.
    /// </summary>
    public long Percentile(double percentile)
    {
        if (Count == 0)
            return 0;
        var target = Math.Max(1, (long)Math.Ceiling(percentile / 100.0 * Count));
        long seen = 0;
        for (var i = 0; i < _counts.Length; i++)
        {
            seen += _counts[i];
            if (seen >= target)
                return Math.Min(HighestEquivalent(i), Max);
        }
        return Max;
    }

    internal static int IndexOf(long value)
    {
        if (value < Linear)
            return (int)value;
        var shift = 63 - (int)long.LeadingZeroCount(value) - SubBucketBits;
        return Linear + ((shift - 1) * SubBuckets) + (int)(value >> shift) - SubBuckets;
    }

    internal static long LowestEquivalent(int index)
    {
        if (index < Linear)
            return index;
        var shift = ((index - Linear) / SubBuckets) + 1;
        var mantissa = ((index - Linear) % SubBuckets) + SubBuckets;
        return (long)mantissa << shift;
    }

    internal static long HighestEquivalent(int index) =>
        index < Linear ? index : LowestEquivalent(index) + (1L << (((index - Linear) / SubBuckets) + 1)) - 1;
}
