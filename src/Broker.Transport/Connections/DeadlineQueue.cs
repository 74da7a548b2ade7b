namespace Broker.Transport.Connections;

/// <summary>
/// The keep-alive deadlines of every connection of a node on one timer, instead of one timer per
/// connection: an idle connection then costs one <see cref="Deadline"/> and a queue slot
/// instead of a timer, its scheduler entry and a closure, many times the size (memory per idle connection).
/// A min-heap ordered by due time; the timer is set for the earliest.
/// <para>
/// Removal is lazy: moving a deadline queues it again at its new time, and the queued item that no longer
/// matches its <see cref="Deadline"/>'s due time is skipped when it comes up. Disposing drops the
/// target at once, so a closed connection is not kept alive by its stale items; those are small and
/// leave the queue when their time comes.
/// </para>
/// </summary>
public sealed class DeadlineQueue
{
    private readonly Lock _gate = new();
    private readonly PriorityQueue<Deadline, long> _queue = new();
    private readonly TimeProvider _time;
    private readonly ITimer _timer;
    private long _armedForMs = long.MaxValue;

    public DeadlineQueue(TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(time);
        _time = time;
        _timer = time.CreateTimer(static state => ((DeadlineQueue)state!).Fire(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    /// <summary>Items queued, stale ones included.</summary>
    public int QueuedCount
    {
        get
        {
            lock (_gate)
            {
                return _queue.Count;
            }
        }
    }

    /// <summary>What a deadline calls when it is due, on a timer thread. An interface rather than a delegate: one object fewer per connection.</summary>
    public interface ITarget
    {
        void DeadlineReached();
    }

    /// <summary>A deadline with nothing due yet.</summary>
    public Deadline Create(ITarget target)
    {
        ArgumentNullException.ThrowIfNull(target);
        return new Deadline(this, target);
    }

    private long NowMs => _time.GetUtcNow().ToUnixTimeMilliseconds();

    private void Schedule(Deadline deadline, long dueMs)
    {
        lock (_gate)
        {
            if (deadline.Target is null || deadline.DueMs == dueMs)
            {
                return;
            }

            deadline.DueMs = dueMs;
            _queue.Enqueue(deadline, dueMs);
            if (dueMs < _armedForMs)
            {
                Arm(dueMs);
            }
        }
    }

    private void Unschedule(Deadline deadline, bool forever)
    {
        lock (_gate)
        {
            deadline.DueMs = 0;
            if (forever)
            {
                deadline.Target = null;
            }
        }
    }

    private void Fire()
    {
        List<ITarget>? due = null;
        lock (_gate)
        {
            var nowMs = NowMs;
            while (_queue.TryPeek(out var deadline, out var dueMs) && dueMs <= nowMs)
            {
                _queue.Dequeue();
                if (deadline.DueMs == dueMs && deadline.Target is { } target)
                {
                    // Consumed: a stale copy queued for the same time is skipped.
                    deadline.DueMs = 0;
                    (due ??= []).Add(target);
                }
            }

            _armedForMs = long.MaxValue;
            if (_queue.TryPeek(out _, out var nextMs))
            {
                Arm(nextMs);
            }
        }

        if (due is null)
        {
            return;
        }

        foreach (var target in due)
        {
            target.DeadlineReached();
        }
    }

    private void Arm(long dueMs)
    {
        _armedForMs = dueMs;
        _timer.Change(TimeSpan.FromMilliseconds(Math.Max(0, dueMs - NowMs)), Timeout.InfiniteTimeSpan);
    }

    /// <summary>One connection's deadline: at most one due time at a time.</summary>
    public sealed class Deadline : IDisposable
    {
        private readonly DeadlineQueue _owner;

        internal Deadline(DeadlineQueue owner, ITarget target)
        {
            _owner = owner;
            Target = target;
        }

        /// <summary>When the target is called next (Unix milliseconds); 0 for not scheduled. Guarded by the queue's lock.</summary>
        internal long DueMs { get; set; }

        /// <summary>Null once disposed. Guarded by the queue's lock.</summary>
        internal ITarget? Target { get; set; }

        /// <summary>Calls the target at <paramref name="dueMs"/> (Unix milliseconds, the queue's clock), replacing the earlier time.</summary>
        public void Schedule(long dueMs) => _owner.Schedule(this, Math.Max(1, dueMs));

        /// <summary>Nothing due until the next <see cref="Schedule"/>.</summary>
        public void Cancel() => _owner.Unschedule(this, forever: false);

        /// <summary>Nothing due ever again; the target, and what it holds, is released.</summary>
        public void Dispose() => _owner.Unschedule(this, forever: true);
    }
}
