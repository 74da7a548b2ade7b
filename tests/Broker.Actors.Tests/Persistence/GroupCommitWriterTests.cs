using Broker.Actors.Persistence;
using Broker.Actors.TestKit;

namespace Broker.Actors.Tests.Persistence;

public sealed class GroupCommitWriterTests
{
    private static readonly TimeSpan WaitLimit = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task Writes_queued_during_a_commit_go_together_in_the_next_one()
    {
        var clock = new ManualTimeProvider();
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var batches = new List<int[]>();
        await using var writer = new GroupCommitWriter<int>(
            async (writes, _) =>
            {
                batches.Add([.. writes]);
                if (writes[0] == 1)
                {
                    await gate.Task;
                }
            },
            _ => 1,
            maxItemsPerCommit: 100,
            timeProvider: clock);

        var first = writer.WriteAsync(1);
        await WaitUntil(() => batches.Count == 1);
        var rest = new[] { writer.WriteAsync(2), writer.WriteAsync(3), writer.WriteAsync(4) };
        Assert.Equal(3, writer.Statistics.Queued);
        clock.Advance(TimeSpan.FromMilliseconds(7));
        gate.SetResult();
        await Task.WhenAll([first, .. rest]);

        Assert.Equal([[1], [2, 3, 4]], batches);
        // The first commit took the 7 ms the clock moved while it waited; the second none.
        Assert.Equal(new JournalStatistics(2, 4, 4, 0) { CommitTime = TimeSpan.FromMilliseconds(7) }, writer.Statistics);
    }

    [Fact]
    public async Task With_a_commit_interval_writes_wait_for_the_next_tick_and_share_it()
    {
        var clock = new ManualTimeProvider();
        var batches = new List<int[]>();
        await using var writer = new GroupCommitWriter<int>(
            (writes, _) =>
            {
                batches.Add([.. writes]);
                return Task.CompletedTask;
            },
            _ => 1,
            maxItemsPerCommit: 100,
            commitInterval: TimeSpan.FromMilliseconds(100),
            timeProvider: clock);

        // Idle, the first write commits at once: the interval spaces commits, it does not delay a lone one.
        await writer.WriteAsync(1);
        var second = writer.WriteAsync(2);
        var third = writer.WriteAsync(3);
        await WaitUntil(() => clock.ActiveTimers == 1);

        Assert.False(second.IsCompleted);
        clock.Advance(TimeSpan.FromMilliseconds(99));
        Assert.False(second.IsCompleted);
        clock.Advance(TimeSpan.FromMilliseconds(1));
        await Task.WhenAll(second, third);

        Assert.Equal([[1], [2, 3]], batches);
    }

    [Fact]
    public async Task Without_one_by_one_retry_a_failed_commit_fails_every_write_in_it_once()
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var calls = 0;
        await using var writer = new GroupCommitWriter<int>(
            async (writes, _) =>
            {
                if (Interlocked.Increment(ref calls) == 1)
                {
                    await gate.Task;
                    return;
                }

                throw new InvalidOperationException("database gone");
            },
            _ => 1,
            maxItemsPerCommit: 100,
            retryOneByOne: false);

        var first = writer.WriteAsync(1);
        await WaitUntil(() => Volatile.Read(ref calls) == 1);
        var failing = new[] { writer.WriteAsync(2), writer.WriteAsync(3), writer.WriteAsync(4) };
        gate.SetResult();
        await first;

        foreach (var write in failing)
        {
            Assert.Equal("database gone", (await Assert.ThrowsAsync<InvalidOperationException>(() => write)).Message);
        }

        Assert.Equal(2, Volatile.Read(ref calls));
        Assert.Equal(1, writer.Statistics.FailedCommits);
    }

    [Fact]
    public async Task With_one_by_one_retry_only_the_bad_write_fails()
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var calls = 0;
        await using var writer = new GroupCommitWriter<int>(
            async (writes, _) =>
            {
                if (Interlocked.Increment(ref calls) == 1)
                {
                    await gate.Task;
                }

                if (writes.Contains(3))
                {
                    throw new InvalidOperationException("duplicate");
                }
            },
            _ => 1,
            maxItemsPerCommit: 100);

        var first = writer.WriteAsync(1);
        await WaitUntil(() => Volatile.Read(ref calls) == 1);
        var good = new[] { writer.WriteAsync(2), writer.WriteAsync(4) };
        var bad = writer.WriteAsync(3);
        gate.SetResult();

        await Task.WhenAll([first, .. good]);
        await Assert.ThrowsAsync<InvalidOperationException>(() => bad);
    }

    [Fact]
    public async Task Writes_after_dispose_fail_and_those_before_are_committed()
    {
        var committed = new List<int>();
        var writer = new GroupCommitWriter<int>(
            (writes, _) =>
            {
                committed.AddRange(writes);
                return Task.CompletedTask;
            },
            _ => 1,
            maxItemsPerCommit: 100);
        var before = writer.WriteAsync(1);

        await writer.DisposeAsync();

        await before;
        Assert.Equal([1], committed);
        await Assert.ThrowsAsync<ObjectDisposedException>(() => writer.WriteAsync(2));
    }

    // The writer loop runs on the thread pool: the test watches its progress, bounded, instead of sleeping.
    private static async Task WaitUntil(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + WaitLimit;
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "the writer loop did not get there in time");
            await Task.Yield();
        }
    }
}
