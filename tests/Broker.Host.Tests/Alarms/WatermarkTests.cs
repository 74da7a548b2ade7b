using Broker.Host.Alarms;

namespace Broker.Host.Tests.Alarms;

public sealed class WatermarkTests
{
    [Fact]
    public void Crossing_above_high_raises_and_only_falling_below_low_clears()
    {
        var cpu = new Watermark(high: 0.8, low: 0.6);

        Assert.Null(cpu.Sample(0.8));
        Assert.True(cpu.Sample(0.81));
        Assert.Null(cpu.Sample(0.9));
        Assert.Null(cpu.Sample(0.7));
        Assert.Null(cpu.Sample(0.6));
        Assert.False(cpu.Sample(0.59));
        Assert.Null(cpu.Sample(0.7));
        Assert.True(cpu.Sample(0.85));
    }

    [Fact]
    public void With_one_line_it_is_a_threshold()
    {
        var memory = new Watermark(0.7, 0.7);

        Assert.True(memory.Sample(0.71));
        Assert.Null(memory.Sample(0.7));
        Assert.False(memory.Sample(0.69));
    }

    [Fact]
    public void A_low_line_above_the_high_one_is_refused() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new Watermark(0.6, 0.8));
}
