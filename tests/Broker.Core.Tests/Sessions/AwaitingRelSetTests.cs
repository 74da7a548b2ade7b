using Broker.Core.Sessions;

namespace Broker.Core.Tests.Sessions;

public class AwaitingRelSetTests
{
    [Fact]
    public void MQTT_4_3_3_10_a_second_publish_with_the_same_id_is_already_awaiting()
    {
        var set = new AwaitingRelSet(10);
        Assert.Equal(AwaitingRelAddResult.Added, set.TryAdd(7, 100));
        Assert.Equal(AwaitingRelAddResult.AlreadyAwaiting, set.TryAdd(7, 200));
        Assert.True(set.Remove(7));
        Assert.False(set.Remove(7));
        Assert.Equal(AwaitingRelAddResult.Added, set.TryAdd(7, 300));
    }

    [Fact]
    public void Beyond_capacity_is_full_and_zero_is_unbounded()
    {
        var bounded = new AwaitingRelSet(2);
        bounded.TryAdd(1, 0);
        bounded.TryAdd(2, 0);
        Assert.Equal(AwaitingRelAddResult.Full, bounded.TryAdd(3, 0));

        var unbounded = new AwaitingRelSet(0);
        for (ushort id = 1; id <= 1000; id++)
        {
            Assert.Equal(AwaitingRelAddResult.Added, unbounded.TryAdd(id, 0));
        }
    }

    [Fact]
    public void Ids_older_than_the_cutoff_are_forgotten()
    {
        var set = new AwaitingRelSet(0);
        set.TryAdd(1, 100);
        set.TryAdd(2, 200);
        set.TryAdd(3, 300);
        Assert.Equal(100, set.OldestReceivedAtMs);

        var expired = set.RemoveReceivedAtOrBefore(200);

        Assert.Equal(new ushort[] { 1, 2 }, expired.Order());
        Assert.Equal(300, set.OldestReceivedAtMs);
        Assert.True(set.Contains(3));
    }
}
