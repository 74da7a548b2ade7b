using Broker.Host.Configuration.Hocon;

namespace Broker.Host.Tests.Configuration.Hocon;

public class HoconUnitsTests
{
    [Theory]
    [InlineData("100ms", 100)]
    [InlineData("30s", 30_000)]
    [InlineData("5m", 300_000)]
    [InlineData("2h", 7_200_000)]
    [InlineData("1d", 86_400_000)]
    [InlineData("250", 250)]
    [InlineData("10 seconds", 10_000)]
    [InlineData("1 second", 1_000)]
    [InlineData("3 minutes", 180_000)]
    [InlineData("1 hour", 3_600_000)]
    [InlineData("2 days", 172_800_000)]
    [InlineData("15 milliseconds", 15)]
    [InlineData("1.5s", 1_500)]
    [InlineData("1h30m", 5_400_000)]
    [InlineData("1h 30m 5s", 5_405_000)]
    [InlineData("  30s  ", 30_000)]
    [InlineData("30S", 30_000)]
    [InlineData("0s", 0)]
    public void Durations_parse_to_milliseconds(string text, long milliseconds)
    {
        Assert.True(HoconDuration.TryParse(text, out var value));
        Assert.Equal(TimeSpan.FromMilliseconds(milliseconds), value);
    }

    [Fact]
    public void Sub_millisecond_durations_keep_tick_precision()
    {
        Assert.True(HoconDuration.TryParse("1500us", out var micro));
        Assert.Equal(TimeSpan.FromTicks(15_000), micro);
        Assert.True(HoconDuration.TryParse("200ns", out var nano));
        Assert.Equal(TimeSpan.FromTicks(2), nano);
    }

    [Theory]
    [InlineData("")]
    [InlineData("s")]
    [InlineData("lots")]
    [InlineData("30 parsecs")]
    [InlineData("-5s")]
    [InlineData("1h30")]
    [InlineData("1.2.3s")]
    [InlineData("99999999999d")]
    public void Malformed_durations_are_rejected(string text) =>
        Assert.False(HoconDuration.TryParse(text, out _));

    [Theory]
    [InlineData(0, "0s")]
    [InlineData(30_000, "30s")]
    [InlineData(300_000, "5m")]
    [InlineData(7_200_000, "2h")]
    [InlineData(86_400_000, "1d")]
    [InlineData(1_500, "1500ms")]
    public void Durations_format_with_the_largest_exact_unit(long milliseconds, string text) =>
        Assert.Equal(text, HoconDuration.Format(TimeSpan.FromMilliseconds(milliseconds)));

    [Theory]
    [InlineData("256KB", 262_144)]
    [InlineData("256kb", 262_144)]
    [InlineData("1K", 1_024)]
    [InlineData("1KiB", 1_024)]
    [InlineData("1MB", 1_048_576)]
    [InlineData("10MiB", 10_485_760)]
    [InlineData("1G", 1_073_741_824)]
    [InlineData("1GB", 1_073_741_824)]
    [InlineData("2TB", 2_199_023_255_552)]
    [InlineData("512", 512)]
    [InlineData("512B", 512)]
    [InlineData("512 bytes", 512)]
    [InlineData("1.5K", 1_536)]
    [InlineData("2 megabytes", 2_097_152)]
    [InlineData("0", 0)]
    public void Sizes_parse_with_1024_based_units(string text, long bytes)
    {
        Assert.True(HoconSize.TryParse(text, out var value));
        Assert.Equal(bytes, value);
    }

    [Theory]
    [InlineData("")]
    [InlineData("lots")]
    [InlineData("1 parsec")]
    [InlineData("-1KB")]
    [InlineData("0.5B")]
    [InlineData("1MB 1KB")]
    [InlineData("9000EB")]
    public void Malformed_sizes_are_rejected(string text) =>
        Assert.False(HoconSize.TryParse(text, out _));

    [Theory]
    [InlineData(0, "0B")]
    [InlineData(1_048_576, "1MB")]
    [InlineData(262_144, "256KB")]
    [InlineData(268_435_455, "268435455B")]
    [InlineData(1_000, "1000B")]
    [InlineData(3L << 30, "3GB")]
    public void Sizes_format_with_the_largest_exact_unit(long bytes, string text) =>
        Assert.Equal(text, HoconSize.Format(bytes));
}
