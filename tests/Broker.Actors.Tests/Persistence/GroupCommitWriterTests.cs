using System.Threading.Channels;
using Broker.Actors.Persistence;
using Broker.Actors.TestKit;

namespace Broker.Actors.Tests.Persistence;

/// <summary>The commit interval of periodic durability, on a manual clock: which writes go in which commit.</summary>
public sealed class GroupCommitWriterTests : IAsyncDisposable
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(5);

    private readonly ManualTimeProvider _clock = new();
    private readonly SignallingTime _time;
    private readonly Channel<IReadOnlyList<string>> _commits = Channel.CreateUnbounded<IReadOnlyList<string>>();
    private readonly GroupCommitWriter _writer;

    public GroupCommitWriterTests()
    {
        _time = new SignallingTime(_clock);
        _writer = new GroupCommitWriter(Commit, maxEventsPerCommit: 100, Interval, _time);
    }

    private Task Commit(IReadOnlyList<AtomicWrite> writes, CancellationToken cancellationToken)
    {
        _commits.Writer.TryWrite(writes.Select(w => w.PersistenceId).ToList());
        return Task.CompletedTask;
    }

    private static AtomicWrite Write(string id) => new(id, [new JournalEntry(id, 1, "text", [1])]);

    private async Task<IReadOnlyList<string>> NextCommitAsync() => await _commits.Reader.ReadAsync().AsTask().WaitAsync(Deadline);

    [Fact]
    public async Task The_first_write_commits_at_once_and_later_ones_wait_for_the_interval_and_go_together()
    {
        await _writer.WriteAsync(Write("a")).WaitAsync(Deadline);
        Assert.Equal(["a"], await NextCommitAsync());

        var b = _writer.WriteAsync(Write("b"));
        Assert.Equal(Interval, await _time.NextTimerAsync(Deadline));
        var c = _writer.WriteAsync(Write("c"));
        _clock.Advance(Interval - TimeSpan.FromTicks(1));
        Assert.False(b.IsCompleted || c.IsCompleted, "committed before the interval had passed");
        Assert.Equal(1, _clock.ActiveTimers);

        _clock.Advance(TimeSpan.FromTicks(1));
        await Task.WhenAll(b, c).WaitAsync(Deadline);
        Assert.Equal(["b", "c"], await NextCommitAsync());
    }

    [Fact]
    public async Task A_write_after_a_quiet_spell_longer_than_the_interval_commits_at_once()
    {
        await _writer.WriteAsync(Write("a")).WaitAsync(Deadline);
        _clock.Advance(Interval * 3);

        await _writer.WriteAsync(Write("b")).WaitAsync(Deadline);

        Assert.Equal(["a"], await NextCommitAsync());
        Assert.Equal(["b"], await NextCommitAsync());
        Assert.Equal(0, _clock.ActiveTimers);
    }

    [Fact]
    public async Task Disposing_commits_the_waiting_writes_at_once()
    {
        await _writer.WriteAsync(Write("a")).WaitAsync(Deadline);
        var b = _writer.WriteAsync(Write("b"));
        await _time.NextTimerAsync(Deadline);

        await _writer.DisposeAsync().AsTask().WaitAsync(Deadline);

        await b.WaitAsync(Deadline);
        Assert.Equal(["a"], await NextCommitAsync());
        Assert.Equal(["b"], await NextCommitAsync());
    }

    public ValueTask DisposeAsync() => _writer.DisposeAsync();

    /// <summary>The manual clock, telling when a timer is made: the writer's wait for the interval has begun.</summary>
    private sealed class SignallingTime(ManualTimeProvider clock) : TimeProvider
    {
        private readonly Channel<TimeSpan> _timers = Channel.CreateUnbounded<TimeSpan>();

        public override DateTimeOffset GetUtcNow() => clock.GetUtcNow();

        public override long TimestampFrequency => clock.TimestampFrequency;

        public override long GetTimestamp() => clock.GetTimestamp();

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        {
            var timer = clock.CreateTimer(callback, state, dueTime, period);
            _timers.Writer.TryWrite(dueTime);
            return timer;
        }

        public async Task<TimeSpan> NextTimerAsync(TimeSpan deadline) => await _timers.Reader.ReadAsync().AsTask().WaitAsync(deadline);
    }
}
