using Broker.Actors.TestKit;

namespace Broker.Actors.Tests.TestKit;

/// <summary>The manual clock fires exactly what falls due, in time order, on the advancing thread.</summary>
public sealed class ManualTimeProviderTests
{
    private static readonly DateTimeOffset Start = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private readonly ManualTimeProvider _time = new(Start);
    private readonly List<string> _fired = [];

    [Fact]
    public void The_clock_moves_only_when_advanced()
    {
        Assert.Equal(Start, _time.GetUtcNow());

        _time.Advance(TimeSpan.FromSeconds(90));

        Assert.Equal(Start.AddSeconds(90), _time.GetUtcNow());
        Assert.Equal(TimeSpan.FromSeconds(90), _time.GetElapsedTime(Start.UtcTicks, _time.GetTimestamp()));
    }

    [Fact]
    public void A_timer_fires_when_the_clock_reaches_its_due_time_and_not_before()
    {
        using var timer = Create("t", TimeSpan.FromSeconds(1));

        _time.Advance(TimeSpan.FromMilliseconds(999));
        Assert.Empty(_fired);
        _time.Advance(TimeSpan.FromMilliseconds(1));

        Assert.Equal(["t@1000"], _fired);
        Assert.Equal(0, _time.ActiveTimers);
    }

    [Fact]
    public void Timers_fire_in_due_order_whatever_order_they_were_created_in_and_see_their_own_time()
    {
        using var late = Create("late", TimeSpan.FromSeconds(3));
        using var early = Create("early", TimeSpan.FromSeconds(1));
        using var middle = Create("middle", TimeSpan.FromSeconds(2));
        using var alsoMiddle = Create("also-middle", TimeSpan.FromSeconds(2));

        _time.Advance(TimeSpan.FromSeconds(10));

        Assert.Equal(["early@1000", "middle@2000", "also-middle@2000", "late@3000"], _fired);
    }

    [Fact]
    public void A_periodic_timer_fires_once_per_period_passed()
    {
        using var timer = Create("p", TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));

        _time.Advance(TimeSpan.FromSeconds(3.5));

        Assert.Equal(["p@1000", "p@2000", "p@3000"], _fired);
        Assert.Equal(1, _time.ActiveTimers);
    }

    [Fact]
    public void A_disposed_timer_never_fires()
    {
        var timer = Create("t", TimeSpan.FromSeconds(1));
        Assert.Equal(1, _time.ActiveTimers);

        timer.Dispose();
        _time.Advance(TimeSpan.FromSeconds(5));

        Assert.Empty(_fired);
        Assert.Equal(0, _time.ActiveTimers);
    }

    [Fact]
    public void Change_moves_the_due_time_from_now()
    {
        using var timer = Create("t", TimeSpan.FromSeconds(1));
        _time.Advance(TimeSpan.FromMilliseconds(500));

        timer.Change(TimeSpan.FromSeconds(2), Timeout.InfiniteTimeSpan);
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.Empty(_fired);
        _time.Advance(TimeSpan.FromSeconds(1));

        Assert.Equal(["t@2500"], _fired);
    }

    [Fact]
    public void A_timer_created_by_a_firing_timer_fires_in_the_same_advance_when_due()
    {
        using var second = new DisposableSlot();
        using var first = _time.CreateTimer(_ => second.Timer = Create("second", TimeSpan.FromSeconds(1)), null, TimeSpan.FromSeconds(1), Timeout.InfiniteTimeSpan);

        _time.Advance(TimeSpan.FromSeconds(5));

        Assert.Equal(["second@2000"], _fired);
    }

    private ITimer Create(string name, TimeSpan due, TimeSpan? period = null) =>
        _time.CreateTimer(
            _ => _fired.Add($"{name}@{(_time.GetUtcNow() - Start).TotalMilliseconds}"),
            null,
            due,
            period ?? Timeout.InfiniteTimeSpan);

    private sealed class DisposableSlot : IDisposable
    {
        public ITimer? Timer { get; set; }

        public void Dispose() => Timer?.Dispose();
    }
}
