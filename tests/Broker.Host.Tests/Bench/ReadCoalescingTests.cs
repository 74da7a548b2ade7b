using Broker.Host.Bench;
using Broker.Mqtt;

namespace Broker.Host.Tests.Bench;

public sealed class ReadCoalescingTests
{
    [Fact]
    public void Flat_out_QoS_0_subscribers_pause_after_a_short_read_only()
    {
        var coalescing = ReadCoalescing.For(new BenchOptions { Rate = 0, QoS = QualityOfService.AtMostOnce });
        Assert.True(coalescing.PauseAfter(90, completed: false));
        Assert.False(coalescing.PauseAfter(16 * 1024, completed: false));
        Assert.False(coalescing.PauseAfter(90, completed: true));
    }

    [Theory]
    [InlineData(10, 0)] // paced: the latency is the figure, every read goes at once
    [InlineData(0, 1)] // acknowledgements: a pause would hold the broker's in-flight window
    [InlineData(0, 2)]
    public void Paced_runs_and_acknowledged_ones_never_pause(int rate, int qos)
    {
        var coalescing = ReadCoalescing.For(new BenchOptions { Rate = rate, QoS = (QualityOfService)qos });
        Assert.False(coalescing.PauseAfter(1, completed: false));
    }
}
