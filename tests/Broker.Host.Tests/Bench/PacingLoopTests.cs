using Broker.Host.Bench;

namespace Broker.Host.Tests.Bench;

public sealed class PacingLoopTests
{
    [Fact]
    public void One_second_of_four_publishers_at_10_per_second_is_40_turns_25_ms_apart()
    {
        var clock = new FakePaceClock();
        var turns = new List<(long At, int Publisher, long Due)>();
        var schedule = new PaceSchedule(4, 10, 0, clock.Frequency);
        PacingLoop.Run(schedule, clock, deadlineTicks: 1_000, (p, due) => turns.Add((clock.Current, p, due)), CancellationToken.None);

        Assert.Equal(40, turns.Count);
        Assert.Equal(Enumerable.Range(0, 40).Select(i => i * 25L), turns.Select(t => t.At));
        Assert.Equal(Enumerable.Range(0, 40).Select(i => i % 4), turns.Select(t => t.Publisher));
        // Each turn asks for exactly one more message than the publisher's previous turn: one message per turn.
        foreach (var group in turns.GroupBy(t => t.Publisher))
            Assert.Equal(Enumerable.Range(1, 10).Select(i => (long)i), group.Select(t => t.Due));
        // The loop slept until each next message, not a fixed tick.
        Assert.Equal(Enumerable.Range(1, 40).Select(i => Math.Min(i * 25L, 1_000)), clock.Sleeps);
    }

    [Fact]
    public void After_a_late_wake_each_publisher_gets_one_turn_with_everything_it_owes()
    {
        var clock = new FakePaceClock();
        var turns = new List<(long At, int Publisher, long Due)>();
        var schedule = new PaceSchedule(4, 10, 0, clock.Frequency);
        clock.OversleepOnce = 230; // the first sleep, until 25 ms, ends at 255 ms: messages 1-10 are due
        PacingLoop.Run(schedule, clock, deadlineTicks: 300, (p, due) => turns.Add((clock.Current, p, due)), CancellationToken.None);

        var late = turns.Where(t => t.At == 255).ToList();
        Assert.Equal([1, 2, 3, 0], late.Select(t => t.Publisher));
        Assert.Equal([3, 3, 2, 3], late.Select(t => t.Due));
        // Then back on schedule: message 11 (publisher 3) at 275 ms.
        Assert.Equal((275L, 3, 3L), turns[^1]);
    }

    [Fact]
    public void Nothing_is_sent_at_or_after_the_deadline_and_cancellation_stops_the_loop()
    {
        var clock = new FakePaceClock();
        var schedule = new PaceSchedule(1, 1_000, 0, clock.Frequency);
        var sent = 0;
        PacingLoop.Run(schedule, clock, deadlineTicks: 10, (_, _) => sent++, CancellationToken.None);
        Assert.Equal(10, sent);

        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();
        PacingLoop.Run(schedule, new FakePaceClock(), 10, (_, _) => sent++, cancelled.Token);
        Assert.Equal(10, sent);
    }
}
