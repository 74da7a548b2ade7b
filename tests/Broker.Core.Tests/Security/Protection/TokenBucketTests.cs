using Broker.Core.Security.Protection;

namespace Broker.Core.Tests.Security.Protection;

public sealed class TokenBucketTests
{
    private static long Seconds(double s) => (long)(s * TimeSpan.TicksPerSecond);

    [Fact]
    public void A_burst_passes_at_once_and_what_follows_waits_for_the_rate()
    {
        var bucket = new TokenBucket(rate: 10, burst: 5, nowTicks: 0);
        for (var i = 0; i < 5; i++)
        {
            Assert.Equal(TimeSpan.Zero, bucket.Take(1, 0));
        }

        Assert.Equal(TimeSpan.FromMilliseconds(100), bucket.Take(1, 0));
        Assert.Equal(TimeSpan.FromMilliseconds(200), bucket.Take(1, 0));
        // The debt is paid back at the rate: 200 ms later the next token is there again.
        Assert.Equal(TimeSpan.FromMilliseconds(100), bucket.Take(1, Seconds(0.2)));
    }

    [Fact]
    public void Idle_time_refills_up_to_the_burst_only()
    {
        var bucket = new TokenBucket(rate: 1000, burst: 0, nowTicks: 0);
        Assert.Equal(1000, bucket.Burst);
        bucket.Take(1000, 0);

        Assert.Equal(TimeSpan.Zero, bucket.Take(1000, Seconds(60)));
        Assert.Equal(TimeSpan.FromMilliseconds(1), bucket.Take(1, Seconds(60)));
    }

    [Fact]
    public void A_shared_bucket_refuses_what_would_wait_too_long_and_keeps_its_debt_bounded()
    {
        var bucket = new TokenBucket(rate: 10, burst: 1, nowTicks: 0);
        var maxWait = TimeSpan.FromSeconds(1);
        Assert.Equal(TimeSpan.Zero, bucket.TakeShared(1, 0, maxWait));
        for (var i = 1; i <= 10; i++)
        {
            Assert.Equal(TimeSpan.FromMilliseconds(100 * i), bucket.TakeShared(1, 0, maxWait));
        }

        Assert.Null(bucket.TakeShared(1, 0, maxWait));
        Assert.Null(bucket.TakeShared(1, 0, maxWait));
        Assert.Equal(TimeSpan.FromSeconds(1), bucket.TakeShared(1, Seconds(0.1), maxWait));
    }

    [Fact]
    public void Bytes_are_taken_by_the_packet()
    {
        var bucket = new TokenBucket(rate: 1024 * 1024, burst: 64 * 1024, nowTicks: 0);
        Assert.Equal(TimeSpan.Zero, bucket.Take(64 * 1024, 0));
        Assert.Equal(TimeSpan.FromSeconds(0.5), bucket.Take(512 * 1024, 0));
    }
}
