using Broker.Actors.TestKit;
using Broker.Transport.Connections;

namespace Broker.Transport.Tests.Connections;

public sealed class DeadlineQueueTests
{
    private readonly ManualTimeProvider _time = new();
    private readonly DeadlineQueue _queue;

    public DeadlineQueueTests() => _queue = new DeadlineQueue(_time);

    private long NowMs => _time.GetUtcNow().ToUnixTimeMilliseconds();

    [Fact]
    public void A_deadline_is_reached_at_its_time_not_before()
    {
        var target = new Target();
        _queue.Create(target).Schedule(NowMs + 1_000);

        _time.Advance(TimeSpan.FromMilliseconds(999));
        Assert.Equal(0, target.Reached);
        _time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal(1, target.Reached);
        _time.Advance(TimeSpan.FromSeconds(10));
        Assert.Equal(1, target.Reached);
    }

    [Fact]
    public void Deadlines_of_many_targets_share_one_timer_and_come_in_time_order()
    {
        var order = new List<int>();
        for (var i = 3; i >= 1; i--)
        {
            _queue.Create(new Target(order, i)).Schedule(NowMs + (i * 100));
        }

        Assert.Equal(1, _time.ActiveTimers);
        _time.Advance(TimeSpan.FromMilliseconds(150));
        Assert.Equal([1], order);
        _time.Advance(TimeSpan.FromMilliseconds(150));
        Assert.Equal([1, 2, 3], order);
    }

    [Fact]
    public void Moving_a_deadline_later_skips_its_earlier_time()
    {
        var target = new Target();
        var deadline = _queue.Create(target);
        deadline.Schedule(NowMs + 100);
        deadline.Schedule(NowMs + 500);

        _time.Advance(TimeSpan.FromMilliseconds(100));
        Assert.Equal(0, target.Reached);
        _time.Advance(TimeSpan.FromMilliseconds(400));
        Assert.Equal(1, target.Reached);
    }

    [Fact]
    public void Moving_a_deadline_earlier_reaches_it_at_the_earlier_time_only()
    {
        var target = new Target();
        var deadline = _queue.Create(target);
        deadline.Schedule(NowMs + 500);
        deadline.Schedule(NowMs + 100);

        _time.Advance(TimeSpan.FromMilliseconds(100));
        Assert.Equal(1, target.Reached);
        _time.Advance(TimeSpan.FromMilliseconds(400));
        Assert.Equal(1, target.Reached);
    }

    [Fact]
    public void A_target_may_schedule_its_deadline_again_when_it_is_reached()
    {
        var target = new Target();
        var deadline = _queue.Create(target);
        target.OnReached = () => deadline.Schedule(NowMs + 100);
        deadline.Schedule(NowMs + 100);

        _time.Advance(TimeSpan.FromMilliseconds(100));
        _time.Advance(TimeSpan.FromMilliseconds(100));
        _time.Advance(TimeSpan.FromMilliseconds(100));
        Assert.Equal(3, target.Reached);
    }

    [Fact]
    public void A_cancelled_deadline_is_not_reached_until_scheduled_again()
    {
        var target = new Target();
        var deadline = _queue.Create(target);
        deadline.Schedule(NowMs + 100);
        deadline.Cancel();

        _time.Advance(TimeSpan.FromMilliseconds(200));
        Assert.Equal(0, target.Reached);
        deadline.Schedule(NowMs + 100);
        _time.Advance(TimeSpan.FromMilliseconds(100));
        Assert.Equal(1, target.Reached);
    }

    [Fact]
    public void A_disposed_deadline_is_never_reached_and_its_stale_items_leave_the_queue()
    {
        var target = new Target();
        var deadline = _queue.Create(target);
        deadline.Schedule(NowMs + 100);
        deadline.Dispose();
        deadline.Schedule(NowMs + 50);

        _time.Advance(TimeSpan.FromMilliseconds(200));
        Assert.Equal(0, target.Reached);
        Assert.Equal(0, _queue.QueuedCount);
    }

    private sealed class Target(List<int>? order = null, int id = 0) : DeadlineQueue.ITarget
    {
        public int Reached { get; private set; }

        public Action? OnReached { get; set; }

        public void DeadlineReached()
        {
            Reached++;
            order?.Add(id);
            OnReached?.Invoke();
        }
    }
}
