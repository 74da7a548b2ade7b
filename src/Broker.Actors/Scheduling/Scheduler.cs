using System.Collections.Concurrent;

namespace Broker.Actors;

/// <summary>
/// Delayed and periodic work on the actor system's <see cref="TimeProvider"/>, so that tests drive time
/// by hand (a manual TimeProvider) instead of sleeping. Each pending timer is kept here until it has fired
/// or been cancelled, so it cannot be collected before its time.
/// </summary>
public sealed class Scheduler(TimeProvider timeProvider)
{
    private readonly ConcurrentDictionary<Scheduled, byte> _pending = new();

    public TimeProvider TimeProvider { get; } = timeProvider;

    public ICancelable ScheduleOnce(TimeSpan delay, Action action) => Start(delay, Timeout.InfiniteTimeSpan, action, once: true);

    public ICancelable ScheduleRepeatedly(TimeSpan initialDelay, TimeSpan interval, Action action)
    {
        if (interval <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(interval), "A repeated action needs a positive interval.");
        }

        return Start(initialDelay, interval, action, once: false);
    }

    public ICancelable ScheduleTellOnce(TimeSpan delay, IActorRef receiver, object message, IActorRef? sender = null) =>
        ScheduleOnce(delay, () => receiver.Tell(message, sender));

    public ICancelable ScheduleTellRepeatedly(TimeSpan initialDelay, TimeSpan interval, IActorRef receiver, object message, IActorRef? sender = null) =>
        ScheduleRepeatedly(initialDelay, interval, () => receiver.Tell(message, sender));

    /// <summary>Timers still pending: zero once an actor system has stopped everything it started.</summary>
    public int PendingCount => _pending.Count;

    internal void CancelAll()
    {
        foreach (var scheduled in _pending.Keys)
        {
            scheduled.Cancel();
        }
    }

    private Scheduled Start(TimeSpan delay, TimeSpan period, Action action, bool once)
    {
        var scheduled = new Scheduled(this, action, once);
        _pending[scheduled] = 0;
        scheduled.Timer = TimeProvider.CreateTimer(static state => ((Scheduled)state!).Fire(), scheduled, Clamp(delay), period);
        return scheduled;
    }

    private static TimeSpan Clamp(TimeSpan delay) => delay < TimeSpan.Zero ? TimeSpan.Zero : delay;

    private sealed class Scheduled(Scheduler owner, Action action, bool once) : ICancelable
    {
        private int _cancelled;

        public ITimer? Timer { get; set; }

        public bool IsCancelled => Volatile.Read(ref _cancelled) == 1;

        public bool Cancel()
        {
            if (Interlocked.Exchange(ref _cancelled, 1) == 1)
            {
                return false;
            }

            Timer?.Dispose();
            owner._pending.TryRemove(this, out _);
            return true;
        }

        public void Fire()
        {
            if (IsCancelled)
            {
                return;
            }

            if (once && !Cancel())
            {
                return;
            }

            action();
        }
    }
}
