using Broker.Host.Bench;

namespace Broker.Host.Tests.Bench;

public sealed class LatencyHistogramTests
{
    [Fact]
    public void Values_below_128_are_exact()
    {
        var histogram = new LatencyHistogram();
        for (var v = 1; v <= 100; v++)
            histogram.Record(v);
        Assert.Equal(50, histogram.Percentile(50));
        Assert.Equal(90, histogram.Percentile(90));
        Assert.Equal(99, histogram.Percentile(99));
        Assert.Equal(100, histogram.Percentile(100));
        Assert.Equal(100, histogram.Max);
        Assert.Equal(1, histogram.Min);
    }

    [Theory]
    [InlineData(128)]
    [InlineData(1_000)]
    [InlineData(12_345)]
    [InlineData(1_000_000)]
    [InlineData(3_600_000_000)]
    public void Large_values_land_in_a_bucket_at_most_one_64th_wide_that_contains_them(long value)
    {
        var index = LatencyHistogram.IndexOf(value);
        var low = LatencyHistogram.LowestEquivalent(index);
        var high = LatencyHistogram.HighestEquivalent(index);
        Assert.InRange(value, low, high);
        Assert.True(high - low + 1 <= Math.Max(1, value / 64), $"bucket {low}..{high} is too wide for {value}");
    }

    [Fact]
    public void Buckets_are_contiguous_and_rising()
    {
        for (var i = 1; i < 2048; i++)
            Assert.Equal(LatencyHistogram.HighestEquivalent(i - 1) + 1, LatencyHistogram.LowestEquivalent(i));
        Assert.Equal(LatencyHistogram.MaxTrackable, LatencyHistogram.HighestEquivalent(LatencyHistogram.IndexOf(LatencyHistogram.MaxTrackable)));
    }

    [Fact]
    public void Percentiles_of_a_wide_range_are_within_the_bucket_precision()
    {
        var histogram = new LatencyHistogram();
        for (var v = 1; v <= 100_000; v++)
            histogram.Record(v);
        foreach (var (percentile, exact) in new[] { (50.0, 50_000L), (90.0, 90_000L), (99.0, 99_000L), (99.9, 99_900L) })
        {
            var reported = histogram.Percentile(percentile);
            Assert.InRange(reported, exact, exact + (exact / 64));
        }
        Assert.Equal(100_000, histogram.Percentile(100));
    }

    [Fact]
    public void Merging_two_histograms_equals_recording_everything_in_one()
    {
        var a = new LatencyHistogram();
        var b = new LatencyHistogram();
        var all = new LatencyHistogram();
        var random = new Random(7);
        for (var i = 0; i < 10_000; i++)
        {
            var value = (long)random.NextInt64(0, 5_000_000);
            (i % 3 == 0 ? a : b).Record(value);
            all.Record(value);
        }
        a.Add(b);
        Assert.Equal(all.Count, a.Count);
        Assert.Equal(all.Max, a.Max);
        Assert.Equal(all.Min, a.Min);
        foreach (var percentile in new[] { 1.0, 50, 90, 99, 99.9, 100 })
            Assert.Equal(all.Percentile(percentile), a.Percentile(percentile));
    }

    [Fact]
    public void Negative_values_count_as_zero_and_huge_ones_as_the_maximum()
    {
        var histogram = new LatencyHistogram();
        histogram.Record(-5);
        histogram.Record(long.MaxValue);
        Assert.Equal(0, histogram.Percentile(50));
        Assert.Equal(LatencyHistogram.MaxTrackable, histogram.Max);
    }

    [Fact]
    public void An_empty_histogram_reports_zero()
    {
        var histogram = new LatencyHistogram();
        Assert.Equal(0, histogram.Percentile(99));
        histogram.Record(10);
        histogram.Clear();
        Assert.Equal(0, histogram.Count);
        Assert.Equal(0, histogram.Percentile(99));
    }
}
