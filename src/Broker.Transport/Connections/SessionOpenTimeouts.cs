namespace Broker.Transport.Connections;

/// <summary>
/// The timeout of every connection waiting for the session registry to open its session, on one timer per node
/// rather than a timer per connection (an <c>Ask</c> made one, with its scheduler entry and closures, which cost the
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
    private IntrusiveList<SessionOpening> _waiting;
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
                return _waiting.Count;
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
            _waiting.AddLast(wait);
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
            _waiting.Remove(wait);
        }
    }

    private void Fire()
    {
        List<SessionOpening>? expired = null;
        lock (_gate)
        {
            _armed = false;
            var nowMs = NowMs;
            while (_waiting.First is { } head && head.DueMs <= nowMs)
            {
                _waiting.Remove(head);
                (expired ??= []).Add(head);
            }

            if (_waiting.First is { } next)
            {
                Arm(next.DueMs);
            }
        }

        foreach (var wait in expired ?? [])
        {
            wait.TimeOut();
        }
    }

    private void Arm(long dueMs)
    {
        _armed = true;
        _timer.Change(TimeSpan.FromMilliseconds(Math.Max(0, dueMs - NowMs)), Timeout.InfiniteTimeSpan);
    }
}
