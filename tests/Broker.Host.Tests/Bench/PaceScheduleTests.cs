using Broker.Host.Bench;

namespace Broker.Host.Tests.Bench;

public sealed class PaceScheduleTests
{
    // 4 publishers at 10 msg/s, in milliseconds: together one message every 25 ms.
    private static readonly PaceSchedule Four = new(Publishers: 4, RatePerPublisher: 10, StartTicks: 1_000, Frequency: 1_000);

    [Fact]
    public void The_publishers_first_messages_are_spread_over_one_period_not_sent_together()
    {
        Assert.Equal([1_000, 1_025, 1_050, 1_075], Enumerable.Range(0, 4).Select(j => Four.TicksOf(j)));
        Assert.Equal([0, 1, 2, 3], Enumerable.Range(0, 4).Select(j => Four.PublisherOf(j)));
        // Each publisher's own messages stay a period (100 ms) apart.
        Assert.Equal(1_125, Four.TicksOf(5));
        Assert.Equal(1, Four.PublisherOf(5));
    }

    [Theory]
    [InlineData(999, 0)]
    [InlineData(1_000, 1)]
    [InlineData(1_024, 1)]
    [InlineData(1_025, 2)]
    [InlineData(2_000, 41)]
    public void DueTotal_counts_the_stream_messages_due_including_the_first_at_the_start(long now, long due) =>
        Assert.Equal(due, Four.DueTotal(now));

    [Fact]
    public void DueFor_splits_the_stream_among_the_publishers_round_robin()
    {
        for (long total = 0; total < 200; total++)
        {
            var shares = Enumerable.Range(0, 4).Select(p => Four.DueFor(p, total)).ToList();
            Assert.Equal(total, shares.Sum());
            // A publisher earlier in the round never owes fewer than one later in it, and at most one more.
            Assert.True(shares.Zip(shares.Skip(1)).All(pair => pair.First - pair.Second is 0 or 1), $"at {total}: {string.Join(",", shares)}");
        }
    }

    [Fact]
    public void Every_message_is_due_at_or_after_its_time_and_not_before()
    {
        for (long index = 0; index < 100; index++)
        {
            var at = Four.TicksOf(index);
            Assert.True(Four.DueTotal(at) > index);
            Assert.True(Four.DueTotal(at - 1) <= index);
        }
    }
}
