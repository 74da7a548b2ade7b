using Broker.Host.Listeners;

namespace Broker.Host.Tests.Listeners;

public class ConnectionLimitTests
{
    [Fact]
    public void Places_are_refused_beyond_the_maximum_and_given_again_when_released()
    {
        var limit = new ConnectionLimit(2);
        Assert.True(limit.TryAcquire());
        Assert.True(limit.TryAcquire());
        Assert.False(limit.TryAcquire());
        Assert.Equal(2, limit.Current);

        limit.Release();
        Assert.Equal(1, limit.Current);
        Assert.True(limit.TryAcquire());
        Assert.False(limit.TryAcquire());
    }

    [Fact]
    public void Concurrent_acquires_never_exceed_the_maximum()
    {
        var limit = new ConnectionLimit(100);
        var granted = 0;
        Parallel.For(0, 1000, _ =>
        {
            if (limit.TryAcquire())
                Interlocked.Increment(ref granted);
        });
        Assert.Equal(100, granted);
        Assert.Equal(100, limit.Current);
    }
}
