namespace Broker.Transport.Connections;

/// <summary>
/// The timeout of every connection waiting for the session registry to open its session, on one timer per node
/// rather than a timer per connection (an <c>Ask</c> made one, with its scheduler entry and closures: issue 5,
/// connection rate). Every wait has the same timeout, so a list in arrival order is also in due order: a wait joins
/// at the tail, leaves from anywhere when answered (a few microseconds later, normally), and the timer expires
/// waits from the head. An answered wait leaves nothing behind.
/// </summary>
internal sealed class SessionOpenTimeouts
{
    private readonly Lock _gate = new();
    private readonly TimeProvider _time;
    private readonly long _timeoutMs;
    private readonly ITimer _timer;

    // The waiting list, oldest first; guarded by _gate, as are the waits' links and due times.
    private SessionOpening? _head;
    private SessionOpening? _tail;
    private bool _armed;

    public SessionOpenTimeouts(TimeProvider time, TimeSpan timeout)
    {
        ArgumentNullException.ThrowIfNull(time);
        _time = time;
        _timeoutMs = (long)timeout.TotalMilliseconds;
        _timer = time.CreateTimer(static state => ((SessionOpenTimeouts)state!).Fire(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    public TimeSpan After => TimeSpan.FromMilliseconds(_timeoutMs);

    /// <summary>Waits not yet answered nor expired.</summary>
    public int Count
    {
        get
        {
            lock (_gate)
            {
                var count = 0;
                for (var wait = _head; wait is not null; wait = wait.NextWaiting)
                {
                    count++;
                }

                return count;
            }
        }
    }

    private long NowMs => _time.GetUtcNow().ToUnixTimeMilliseconds();

    /// <summary>Starts the timeout of <paramref name="wait"/>: <see cref="SessionOpening.TimeOut"/> is called once it passes, unless removed first.</summary>
    public void Add(SessionOpening wait)
    {
        lock (_gate)
        {
            wait.DueMs = NowMs + _timeoutMs;
            wait.PreviousWaiting = _tail;
            if (_tail is null)
            {
                _head = wait;
            }
            else
            {
                _tail.NextWaiting = wait;
            }

            _tail = wait;
            wait.IsWaiting = true;
            if (!_armed)
            {
                Arm(wait.DueMs);
            }
        }
    }

    /// <summary>The wait was answered: its timeout is dropped (nothing happens if it had already expired).</summary>
    public void Remove(SessionOpening wait)
    {
        lock (_gate)
        {
            if (wait.IsWaiting)
            {
                Unlink(wait);
            }
        }
    }

    private void Fire()
    {
        SessionOpening? expired = null;
        lock (_gate)
        {
            _armed = false;
            var nowMs = NowMs;
            while (_head is { } head && head.DueMs <= nowMs)
            {
                Unlink(head);
                head.NextWaiting = expired; // the expired ones, chained for the loop below
                expired = head;
            }

            if (_head is { } next)
            {
                Arm(next.DueMs);
            }
        }

        while (expired is not null)
        {
            var wait = expired;
            expired = wait.NextWaiting;
            wait.NextWaiting = null;
            wait.TimeOut();
        }
    }

    private void Unlink(SessionOpening wait)
    {
        if (wait.PreviousWaiting is { } previous)
        {
            previous.NextWaiting = wait.NextWaiting;
        }
        else
        {
            _head = wait.NextWaiting;
        }

        if (wait.NextWaiting is { } next)
        {
            next.PreviousWaiting = wait.PreviousWaiting;
        }
        else
        {
            _tail = wait.PreviousWaiting;
        }

        wait.PreviousWaiting = wait.NextWaiting = null;
        wait.IsWaiting = false;
    }

    private void Arm(long dueMs)
    {
        _armed = true;
        _timer.Change(TimeSpan.FromMilliseconds(Math.Max(0, dueMs - NowMs)), Timeout.InfiniteTimeSpan);
    }
}
