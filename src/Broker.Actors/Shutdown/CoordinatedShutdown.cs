namespace Broker.Actors;

/// <summary>
/// Stops the node in a known order, as Akka's CoordinatedShutdown does: listeners unbind before
/// clients are disconnected, sessions are handed off before the node leaves the cluster, and the actor
/// system terminates last. Components add their tasks to named phases when they start; whoever decides
/// that the node stops (a signal, the cluster, the actor system) calls <see cref="RunAsync"/>.
/// </summary>
/// <remarks>
/// Phases run one after another, the tasks of one phase concurrently, each on the thread pool so that a
/// task that blocks cannot hold up the others or the timeout. Failures and timeouts are published to
/// the event stream as <see cref="ShutdownTaskFailed"/>, <see cref="ShutdownPhaseTimedOut"/> and
/// <see cref="ShutdownPhaseSkipped"/>; <see cref="RunAsync"/> itself never fails, because the caller
/// can do nothing about a failure but wait for the process to end. A task must not await
/// <see cref="RunAsync"/>: it would wait for its own phase until the phase's timeout.
/// </remarks>
public sealed class CoordinatedShutdown
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, List<ShutdownTask>> _tasks = new(StringComparer.Ordinal);
    private readonly EventStream? _events;
    private readonly TimeProvider _time;
    private ShutdownReason? _reason;
    private Task? _run;

    /// <param name="phases">In the order they run; the last one always runs. <see cref="ShutdownPhases.Default"/> for the broker's.</param>
    /// <param name="events">Where failures and timeouts are reported; none when null.</param>
    /// <param name="timeProvider">The clock behind the phases' timeouts; <see cref="TimeProvider.System"/> when null.</param>
    public CoordinatedShutdown(IReadOnlyList<ShutdownPhase> phases, EventStream? events = null, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(phases);
        if (phases.Count == 0)
        {
            throw new ArgumentException("A coordinated shutdown needs at least one phase.", nameof(phases));
        }

        foreach (var phase in phases)
        {
            Validate(phase, nameof(phases));
            if (!_tasks.TryAdd(phase.Name, []))
            {
                throw new ArgumentException($"The shutdown phase '{phase.Name}' is listed twice.", nameof(phases));
            }
        }

        Phases = [.. phases];
        _events = events;
        _time = timeProvider ?? TimeProvider.System;
    }

    public IReadOnlyList<ShutdownPhase> Phases { get; }

    /// <summary>The reason given to the first <see cref="RunAsync"/>; null until then.</summary>
    public ShutdownReason? Reason
    {
        get
        {
            lock (_gate)
            {
                return _reason;
            }
        }
    }

    /// <summary>
    /// Adds a task to a phase. The token is cancelled when the phase's timeout passes. Tasks are added
    /// before the shutdown starts: once it has started, adding throws, so that a component that starts
    /// while the node is stopping learns that nobody will stop it and can clean up itself.
    /// </summary>
    /// <param name="taskName">Names the task in reports; need not be unique.</param>
    /// <exception cref="ArgumentException">The phase is not one of <see cref="Phases"/>.</exception>
    /// <exception cref="InvalidOperationException">The shutdown has started.</exception>
    public void AddTask(string phase, string taskName, Func<CancellationToken, Task> task)
    {
        ArgumentNullException.ThrowIfNull(phase);
        ArgumentException.ThrowIfNullOrEmpty(taskName);
        ArgumentNullException.ThrowIfNull(task);
        lock (_gate)
        {
            if (!_tasks.TryGetValue(phase, out var tasks))
            {
                throw new ArgumentException(
                    $"'{phase}' is not a shutdown phase. The phases are: {string.Join(", ", Phases.Select(p => p.Name))}.", nameof(phase));
            }

            if (_reason is not null)
            {
                throw new InvalidOperationException(
                    $"The shutdown has started ({_reason}): task '{taskName}' was not added to phase '{phase}'.");
            }

            tasks.Add(new ShutdownTask(taskName, task));
        }
    }

    /// <summary>
    /// Runs the phases, once: later calls, with any reason, return the first call's task. The task
    /// completes when the last phase has finished, and never fails.
    /// </summary>
    public Task RunAsync(ShutdownReason reason)
    {
        ArgumentNullException.ThrowIfNull(reason);
        lock (_gate)
        {
            if (_run is null)
            {
                _reason = reason;
                var plan = Phases.Select(phase => _tasks[phase.Name].ToArray()).ToArray();
                _run = Task.Run(() => RunPhasesAsync(plan));
            }

            return _run;
        }
    }

    private async Task RunPhasesAsync(ShutdownTask[][] plan)
    {
        var last = Phases.Count - 1;
        var failedWithoutRecovery = false;
        for (var i = 0; i <= last; i++)
        {
            var phase = Phases[i];
            if (failedWithoutRecovery && i < last)
            {
                if (plan[i].Length > 0)
                {
                    _events?.Publish(new ShutdownPhaseSkipped(phase.Name));
                }

                continue;
            }

            var succeeded = await RunPhaseAsync(phase, plan[i]).ConfigureAwait(false);
            failedWithoutRecovery |= !succeeded && !phase.Recover;
        }
    }

    /// <returns>Whether every task succeeded within the timeout.</returns>
    private async Task<bool> RunPhaseAsync(ShutdownPhase phase, ShutdownTask[] tasks)
    {
        if (tasks.Length == 0)
        {
            return true;
        }

        // One timer both ends the wait and cancels the tasks, so a task that gives up on cancellation
        // is seen as timed out rather than as failed.
        using var timeout = new CancellationTokenSource(phase.Timeout, _time);
        var token = timeout.Token;
        var running = new Task[tasks.Length];
        for (var i = 0; i < tasks.Length; i++)
        {
            var task = tasks[i];
            running[i] = Task.Run(() => task.Run(token));
        }

        await Task.WhenAll(running).WaitAsync(timeout.Token).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        var succeeded = true;
        for (var i = 0; i < tasks.Length; i++)
        {
            succeeded &= Report(phase, tasks[i], running[i], timeout.IsCancellationRequested);
        }

        return succeeded;
    }

    private bool Report(ShutdownPhase phase, ShutdownTask task, Task running, bool timedOut)
    {
        if (running.IsCompletedSuccessfully)
        {
            return true;
        }

        var cancelled = running.IsCanceled || running.Exception?.InnerException is OperationCanceledException;
        if (timedOut && (!running.IsCompleted || cancelled))
        {
            _events?.Publish(new ShutdownPhaseTimedOut(phase.Name, task.Name));
        }
        else
        {
            var exception = running.Exception?.InnerException ?? new TaskCanceledException(running);
            _events?.Publish(new ShutdownTaskFailed(phase.Name, task.Name, exception));
        }

        return false;
    }

    private static void Validate(ShutdownPhase phase, string parameter)
    {
        if (phase is null || string.IsNullOrEmpty(phase.Name))
        {
            throw new ArgumentException("Every shutdown phase needs a name.", parameter);
        }

        // The upper bound is the longest delay a CancellationTokenSource accepts (about 49 days).
        if (phase.Timeout <= TimeSpan.Zero || phase.Timeout.TotalMilliseconds > uint.MaxValue - 1)
        {
            throw new ArgumentException($"The shutdown phase '{phase.Name}' has timeout {phase.Timeout}: it must be positive.", parameter);
        }
    }

    private sealed record ShutdownTask(string Name, Func<CancellationToken, Task> Run);
}
