using Broker.Core.Sessions;

namespace Broker.Core.Tests.Sessions.Durable;

public class SnapshotThresholdTests
{
    [Theory]
    [InlineData(1000, 0, 1000)]
    [InlineData(1000, 2000, 1000)]
    [InlineData(1000, 10_000, 5000)]
    [InlineData(5, 21, 10)]
    public void A_session_holding_many_messages_snapshots_after_half_as_many_events(int every, int held, long expected) =>
        Assert.Equal(expected, SessionActor.SnapshotThreshold(every, held));

    [Fact]
    public void A_growing_backlog_still_snapshots_each_time_it_has_grown_by_half()
    {
        // Only messages stored (a disconnected subscriber): the events since the last snapshot grow as the backlog does.
        var snapshots = 0;
        var sinceSnapshot = 0;
        for (var held = 1; held <= 100_000; held++)
        {
            if (++sinceSnapshot >= SessionActor.SnapshotThreshold(1000, held))
            {
                snapshots++;
                sinceSnapshot = 0;
            }
        }

        Assert.InRange(snapshots, 5, 100);
    }
}
