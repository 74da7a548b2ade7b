using Broker.Actors.TestKit;
using System.Collections.Concurrent;
using System.Runtime.InteropServices;
using Broker.Actors.Tests.Events;

namespace Broker.Actors.Tests.Shutdown;

public class CoordinatedShutdownTests
{
    private static readonly TimeSpan PhaseTimeout = TimeSpan.FromSeconds(5);

    private readonly ManualTimeProvider _time = new();
    private readonly EventStream _events = new();
    private readonly RecordingActorRef _reports = new("reports");
    private readonly ConcurrentQueue<string> _ran = new();

    public CoordinatedShutdownTests() => _events.Subscribe(_reports, typeof(object));

    [Fact]
    public async Task Phases_run_in_their_order_whatever_the_order_tasks_were_added_in()
    {
        var shutdown = Shutdown(Phase("a"), Phase("b"), Phase("c"));
        AddRecording(shutdown, "c", "c1");
        AddRecording(shutdown, "b", "b1");
        AddRecording(shutdown, "a", "a1");

        await shutdown.RunAsync(new UnknownReason()).Within();

        Assert.Equal(["a1", "b1", "c1"], _ran);
        Assert.Empty(_reports.Messages);
    }

    [Fact]
    public async Task A_phase_starts_only_when_every_task_of_the_previous_one_has_finished()
    {
        var shutdown = Shutdown(Phase("a"), Phase("b"));
        var started = TaskGuard.Signal();
        var release = TaskGuard.Signal();
        shutdown.AddTask("a", "quick", _ => Task.CompletedTask);
        shutdown.AddTask("a", "slow", async _ =>
        {
            started.SetResult();
            await release.Task;
        });
        AddRecording(shutdown, "b", "b1");

        var run = shutdown.RunAsync(new UnknownReason());
        await started.Task.Within();

        Assert.Empty(_ran);
        Assert.False(run.IsCompleted);
        release.SetResult();
        await run.Within();
        Assert.Equal(["b1"], _ran);
    }

    [Fact]
    public async Task The_tasks_of_one_phase_run_concurrently()
    {
        var shutdown = Shutdown(Phase("a"));
        var release = TaskGuard.Signal();
        var started = Enumerable.Range(0, 3).Select(_ => TaskGuard.Signal()).ToArray();
        foreach (var signal in started)
        {
            shutdown.AddTask("a", "waits-for-the-others", async _ =>
            {
                signal.SetResult();
                await release.Task;
            });
        }

        var run = shutdown.RunAsync(new UnknownReason());

        // Each task waits for the release, which comes only once all have started.
        await Task.WhenAll(started.Select(s => s.Task)).Within();
        release.SetResult();
        await run.Within();
    }

    [Fact]
    public async Task A_task_that_blocks_its_thread_does_not_hold_up_the_others()
    {
        var shutdown = Shutdown(Phase("a"));
        using var blocked = new ManualResetEventSlim();
        var otherRan = TaskGuard.Signal();
        shutdown.AddTask("a", "blocks", _ =>
        {
            blocked.Wait();
            return Task.CompletedTask;
        });
        shutdown.AddTask("a", "other", _ =>
        {
            otherRan.SetResult();
            return Task.CompletedTask;
        });

        var run = shutdown.RunAsync(new UnknownReason());

        await otherRan.Task.Within();
        blocked.Set();
        await run.Within();
    }

    [Fact]
    public async Task At_the_timeout_a_recovering_phase_cancels_its_tasks_reports_them_and_the_next_phase_runs()
    {
        var shutdown = Shutdown(Phase("a", recover: true), Phase("b"));
        var started = TaskGuard.Signal();
        var cancelled = TaskGuard.Signal();
        shutdown.AddTask("a", "stuck", async token =>
        {
            token.Register(cancelled.SetResult);
            started.SetResult();
            await Task.Delay(Timeout.InfiniteTimeSpan, token);
        });
        var quickRan = TaskGuard.Signal();
        shutdown.AddTask("a", "quick", _ =>
        {
            quickRan.SetResult();
            return Task.CompletedTask;
        });
        AddRecording(shutdown, "b", "b1");

        var run = shutdown.RunAsync(new UnknownReason());
        // Both started: on a loaded machine the thread pool may start "quick" only after the clock has moved on.
        await started.Task.Within();
        await quickRan.Task.Within();
        _time.Advance(PhaseTimeout - TimeSpan.FromTicks(1));

        Assert.False(cancelled.Task.IsCompleted);
        Assert.False(run.IsCompleted);
        _time.Advance(TimeSpan.FromTicks(1));
        await cancelled.Task.Within();
        await run.Within();

        Assert.Equal(["b1"], _ran);
        Assert.Equal([new ShutdownPhaseTimedOut("a", "stuck")], _reports.Messages);
    }

    [Fact]
    public async Task A_task_that_ignores_cancellation_is_left_behind_at_the_timeout()
    {
        var shutdown = Shutdown(Phase("a"), Phase("b"));
        var started = TaskGuard.Signal();
        var never = TaskGuard.Signal();
        shutdown.AddTask("a", "deaf", _ =>
        {
            started.SetResult();
            return never.Task;
        });
        AddRecording(shutdown, "b", "b1");

        var run = shutdown.RunAsync(new UnknownReason());
        await started.Task.Within();
        _time.Advance(PhaseTimeout);
        await run.Within();

        Assert.Equal(["b1"], _ran);
        Assert.Equal([new ShutdownPhaseTimedOut("a", "deaf")], _reports.Messages);
    }

    [Fact]
    public async Task Failing_tasks_are_reported_and_a_recovering_phase_lets_the_next_one_run()
    {
        var shutdown = Shutdown(Phase("a", recover: true), Phase("b"));
        var thrown = new InvalidOperationException("thrown before returning a task");
        var faulted = new IOException("faulted the returned task");
        shutdown.AddTask("a", "throws", _ => throw thrown);
        shutdown.AddTask("a", "faults", async _ =>
        {
            await Task.Yield();
            throw faulted;
        });
        AddRecording(shutdown, "a", "a-ok");
        AddRecording(shutdown, "b", "b1");

        await shutdown.RunAsync(new UnknownReason()).Within();

        Assert.Equal(["a-ok", "b1"], _ran);
        var failures = _reports.MessagesOf<ShutdownTaskFailed>().OrderBy(f => f.Task, StringComparer.Ordinal).ToArray();
        Assert.Equal([new ShutdownTaskFailed("a", "faults", faulted), new ShutdownTaskFailed("a", "throws", thrown)], failures);
    }

    [Fact]
    public async Task A_task_that_cancels_itself_before_the_timeout_is_a_failure_not_a_timeout()
    {
        var shutdown = Shutdown(Phase("a"));
        shutdown.AddTask("a", "gives-up", _ => Task.FromCanceled(new CancellationToken(canceled: true)));

        await shutdown.RunAsync(new UnknownReason()).Within();

        var failure = Assert.Single(_reports.MessagesOf<ShutdownTaskFailed>());
        Assert.Equal("gives-up", failure.Task);
        Assert.IsAssignableFrom<OperationCanceledException>(failure.Exception);
    }

    [Fact]
    public async Task A_failure_without_recovery_skips_the_remaining_phases_but_the_last()
    {
        var shutdown = Shutdown(Phase("a", recover: false), Phase("b"), Phase("empty"), Phase("c"), Phase("last"));
        var failure = new InvalidOperationException("boom");
        shutdown.AddTask("a", "fails", _ => Task.FromException(failure));
        AddRecording(shutdown, "b", "b1");
        AddRecording(shutdown, "c", "c1");
        AddRecording(shutdown, "last", "last1");

        await shutdown.RunAsync(new UnknownReason()).Within();

        Assert.Equal(["last1"], _ran);
        Assert.Equal(
            [new ShutdownTaskFailed("a", "fails", failure), new ShutdownPhaseSkipped("b"), new ShutdownPhaseSkipped("c")],
            _reports.Messages);
    }

    [Fact]
    public async Task A_timeout_without_recovery_skips_the_remaining_phases_but_the_last()
    {
        var shutdown = Shutdown(Phase("a", recover: false), Phase("b"), Phase("last"));
        var started = TaskGuard.Signal();
        shutdown.AddTask("a", "stuck", async token =>
        {
            started.SetResult();
            await Task.Delay(Timeout.InfiniteTimeSpan, token);
        });
        AddRecording(shutdown, "b", "b1");
        AddRecording(shutdown, "last", "last1");

        var run = shutdown.RunAsync(new UnknownReason());
        await started.Task.Within();
        _time.Advance(PhaseTimeout);
        await run.Within();

        Assert.Equal(["last1"], _ran);
        Assert.Equal([new ShutdownPhaseTimedOut("a", "stuck"), new ShutdownPhaseSkipped("b")], _reports.Messages);
    }

    [Fact]
    public async Task Each_phase_has_its_own_timeout()
    {
        var shutdown = Shutdown(
            new ShutdownPhase("a", TimeSpan.FromSeconds(1)),
            new ShutdownPhase("b", TimeSpan.FromSeconds(20)));
        var startedA = TaskGuard.Signal();
        var startedB = TaskGuard.Signal();
        var cancelledB = TaskGuard.Signal();
        shutdown.AddTask("a", "stuck-a", async token =>
        {
            startedA.SetResult();
            await Task.Delay(Timeout.InfiniteTimeSpan, token);
        });
        shutdown.AddTask("b", "stuck-b", async token =>
        {
            token.Register(cancelledB.SetResult);
            startedB.SetResult();
            await Task.Delay(Timeout.InfiniteTimeSpan, token);
        });

        var run = shutdown.RunAsync(new UnknownReason());
        await startedA.Task.Within();
        _time.Advance(TimeSpan.FromSeconds(1));
        await startedB.Task.Within();
        _time.Advance(TimeSpan.FromSeconds(19));

        Assert.False(cancelledB.Task.IsCompleted);
        _time.Advance(TimeSpan.FromSeconds(1));
        await run.Within();
        Assert.Equal([new ShutdownPhaseTimedOut("a", "stuck-a"), new ShutdownPhaseTimedOut("b", "stuck-b")], _reports.Messages);
    }

    [Fact]
    public async Task Running_again_returns_the_first_run_and_keeps_the_first_reason()
    {
        var shutdown = Shutdown(Phase("a"));
        var runs = 0;
        shutdown.AddTask("a", "counts", _ =>
        {
            Interlocked.Increment(ref runs);
            return Task.CompletedTask;
        });
        Assert.Null(shutdown.Reason);

        var first = shutdown.RunAsync(new ProcessTerminationReason(PosixSignal.SIGTERM));
        var second = shutdown.RunAsync(new ClusterLeavingReason());
        await first.Within();
        var third = shutdown.RunAsync(new ActorSystemTerminateReason());

        Assert.Same(first, second);
        Assert.Same(first, third);
        Assert.Equal(1, runs);
        Assert.Equal(new ProcessTerminationReason(PosixSignal.SIGTERM), shutdown.Reason);
    }

    [Fact]
    public async Task Concurrent_runs_share_one_run()
    {
        var shutdown = Shutdown(Phase("a"));
        var runs = 0;
        shutdown.AddTask("a", "counts", _ =>
        {
            Interlocked.Increment(ref runs);
            return Task.CompletedTask;
        });
        using var start = new Barrier(8);

        var callers = Enumerable.Range(0, 8).Select(_ => Task.Factory.StartNew(
            () =>
            {
                start.SignalAndWait();
                return shutdown.RunAsync(new UnknownReason());
            },
            TaskCreationOptions.LongRunning)).ToArray();
        var returned = await Task.WhenAll(callers).Within();
        await returned[0].Within();

        Assert.All(returned, r => Assert.Same(returned[0], r));
        Assert.Equal(1, runs);
    }

    [Fact]
    public void Adding_to_an_unknown_phase_names_the_phases()
    {
        var shutdown = Shutdown(Phase("first"), Phase("second"));

        var error = Assert.Throws<ArgumentException>(() => shutdown.AddTask("third", "task", _ => Task.CompletedTask));

        Assert.Equal("phase", error.ParamName);
        Assert.Contains("'third'", error.Message, StringComparison.Ordinal);
        Assert.Contains("first, second", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Adding_after_the_run_started_is_refused_and_the_task_never_runs()
    {
        var shutdown = Shutdown(Phase("a"), Phase("b"));
        var started = TaskGuard.Signal();
        var release = TaskGuard.Signal();
        shutdown.AddTask("a", "holds", async _ =>
        {
            started.SetResult();
            await release.Task;
        });

        var run = shutdown.RunAsync(new UnknownReason());
        await started.Task.Within();
        var error = Assert.Throws<InvalidOperationException>(() => AddRecording(shutdown, "b", "late"));
        release.SetResult();
        await run.Within();

        Assert.Contains("'late'", error.Message, StringComparison.Ordinal);
        Assert.Empty(_ran);
    }

    [Fact]
    public void Phases_are_checked_when_constructed()
    {
        Assert.Throws<ArgumentException>(() => new CoordinatedShutdown([]));
        Assert.Throws<ArgumentException>(() => new CoordinatedShutdown([Phase("a"), Phase("a")]));
        Assert.Throws<ArgumentException>(() => new CoordinatedShutdown([new ShutdownPhase("", PhaseTimeout)]));
        Assert.Throws<ArgumentException>(() => new CoordinatedShutdown([new ShutdownPhase("a", TimeSpan.Zero)]));
        Assert.Throws<ArgumentException>(() => new CoordinatedShutdown([new ShutdownPhase("a", Timeout.InfiniteTimeSpan)]));
    }

    [Fact]
    public async Task The_default_phases_are_the_brokers_in_order_and_run_when_empty()
    {
        string[] expected = ["service-unbind", "service-requests-done", "service-stop", "actor-system-terminate"];
        Assert.Equal(expected, ShutdownPhases.Default.Select(p => p.Name));
        Assert.All(ShutdownPhases.Default, p => Assert.Equal(TimeSpan.FromSeconds(10), p.Timeout));
        Assert.Equal(ShutdownPhases.ActorSystemTerminate, ShutdownPhases.Default[^1].Name);

        var shutdown = new CoordinatedShutdown(ShutdownPhases.Default, _events, _time);
        AddRecording(shutdown, ShutdownPhases.ServiceUnbind, "unbind");
        AddRecording(shutdown, ShutdownPhases.ActorSystemTerminate, "terminate");
        await shutdown.RunAsync(new UnknownReason()).Within();

        Assert.Equal(["unbind", "terminate"], _ran);
    }

    [Fact]
    public async Task Without_an_event_stream_failures_are_only_survived()
    {
        var shutdown = new CoordinatedShutdown([Phase("a"), Phase("b")], timeProvider: _time);
        shutdown.AddTask("a", "fails", _ => throw new InvalidOperationException());
        AddRecording(shutdown, "b", "b1");

        await shutdown.RunAsync(new UnknownReason()).Within();

        Assert.Equal(["b1"], _ran);
    }

    private static ShutdownPhase Phase(string name, bool recover = true) => new(name, PhaseTimeout, recover);

    private CoordinatedShutdown Shutdown(params ShutdownPhase[] phases) => new(phases, _events, _time);

    private void AddRecording(CoordinatedShutdown shutdown, string phase, string name) =>
        shutdown.AddTask(phase, name, _ =>
        {
            _ran.Enqueue(name);
            return Task.CompletedTask;
        });
}
