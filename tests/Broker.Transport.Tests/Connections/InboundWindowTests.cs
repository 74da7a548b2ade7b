using Broker.Transport.Connections;

namespace Broker.Transport.Tests.Connections;

public sealed class InboundWindowTests
{
    [Fact]
    public void The_reader_is_told_to_wait_at_the_high_mark()
    {
        var window = new InboundWindow(high: 3, low: 1);

        Assert.False(window.Add());
        Assert.False(window.Add());
        Assert.True(window.Add());
    }

    [Fact]
    public void Waiting_ends_when_the_returns_reach_the_low_mark_not_before()
    {
        var window = new InboundWindow(high: 3, low: 1);
        window.Add();
        window.Add();
        window.Add();

        var waiting = window.WaitAsync();
        window.Return();
        Assert.False(waiting.IsCompleted);

        window.Return();
        Assert.True(waiting.IsCompletedSuccessfully);
        Assert.Equal(1, window.InFlight);
    }

    [Fact]
    public void Credits_taken_for_deliveries_hold_the_reader_until_returned()
    {
        var window = new InboundWindow(high: 2, low: 0);
        window.Add();
        window.Take(3); // the router told three subscribers
        window.Return(); // the publisher's session handled the publish
        Assert.True(window.Add());

        var waiting = window.WaitAsync();
        window.Return();
        window.Return();
        window.Return();
        Assert.False(waiting.IsCompleted);

        window.Return();
        Assert.True(waiting.IsCompletedSuccessfully);
    }

    [Fact]
    public void Waiting_below_the_low_mark_does_not_wait()
    {
        var window = new InboundWindow(high: 2, low: 1);
        window.Add();
        window.Add();
        window.Return();

        Assert.True(window.WaitAsync().IsCompleted);
    }

    [Fact]
    public void Opening_releases_a_waiting_reader_and_it_never_waits_again()
    {
        var window = new InboundWindow(high: 1, low: 0);
        Assert.True(window.Add());
        var waiting = window.WaitAsync();

        window.Open();

        Assert.True(waiting.IsCompletedSuccessfully);
        Assert.False(window.Add());
    }
}
