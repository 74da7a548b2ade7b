namespace Broker.Actors.Tests.Runtime;

/// <summary>The delays of consecutive retries: doubling from the minimum up to the maximum, stretched by at most the random factor.</summary>
public sealed class BackoffTests
{
    private static readonly TimeSpan Min = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan Max = TimeSpan.FromSeconds(5);

    [Fact]
    public void Each_consecutive_retry_waits_twice_as_long_up_to_the_maximum()
    {
        var backoff = new Backoff(Min, Max, RandomFactor: 0);

        var delays = Enumerable.Range(1, 6).Select(attempt => backoff.DelayFor(attempt, new Random(1)));

        Assert.Equal([Min, Min * 2, Min * 4, Max, Max, Max], delays);
    }

    [Fact]
    public void A_very_long_run_of_failures_stays_at_the_maximum()
    {
        var backoff = new Backoff(Min, Max, RandomFactor: 0);

        Assert.Equal(Max, backoff.DelayFor(int.MaxValue, new Random(1)));
    }

    [Fact]
    public void The_random_factor_only_stretches_the_delay_and_by_at_most_that_fraction()
    {
        var backoff = new Backoff(Min, Max, RandomFactor: 0.2);
        var random = new Random(7);

        var delays = Enumerable.Range(0, 1_000).Select(_ => backoff.DelayFor(1, random)).ToList();

        Assert.All(delays, d => Assert.InRange(d, Min, Min * 1.2));
        Assert.True(delays.Distinct().Count() > 1, "The delays were not spread.");
    }
}
