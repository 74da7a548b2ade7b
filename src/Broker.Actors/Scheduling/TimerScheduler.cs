namespace Broker.Actors;

/// <summary>
/// The timers of one actor. A firing timer sends the actor a <see cref="TimerMessage"/> carrying its key
/// and generation; the cell hands over the inner message only if that timer is still the current one,
/// which is how cancellation wins over a message already queued.
/// </summary>
internal sealed class TimerScheduler(ActorCell owner) : ITimerScheduler
{
    private readonly Dictionary<object, Entry> _timers = [];
    private int _generation;

    public void StartSingleTimer(object key, object message, TimeSpan delay) => Start(key, message, delay, TimeSpan.Zero, single: true);

    public void StartPeriodicTimer(object key, object message, TimeSpan interval) => StartPeriodicTimer(key, message, interval, interval);

    public void StartPeriodicTimer(object key, object message, TimeSpan initialDelay, TimeSpan interval) =>
        Start(key, message, initialDelay, interval, single: false);

    public bool IsTimerActive(object key) => _timers.ContainsKey(key);

    public void Cancel(object key)
    {
        if (_timers.Remove(key, out var entry))
        {
            entry.Timer.Cancel();
        }
    }

    public void CancelAll()
    {
        foreach (var entry in _timers.Values)
        {
            entry.Timer.Cancel();
        }

        _timers.Clear();
    }

    /// <returns>The message to deliver, or null when the timer was cancelled or replaced since it fired.</returns>
    public object? Accept(TimerMessage message)
    {
        if (!_timers.TryGetValue(message.Key, out var entry) || entry.Generation != message.Generation)
        {
            return null;
        }

        if (entry.Single)
        {
            _timers.Remove(message.Key);
            entry.Timer.Cancel();
        }

        return entry.Message;
    }

    /// <summary>On the system's <see cref="Scheduler"/>, which checks the interval and keeps the timer alive until it is cancelled.</summary>
    private void Start(object key, object message, TimeSpan delay, TimeSpan interval, bool single)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(message);
        var tick = new TimerMessage(key, ++_generation);
        var scheduler = owner.System.Scheduler;
        var timer = single
            ? scheduler.ScheduleTellOnce(delay, owner, tick, owner)
            : scheduler.ScheduleTellRepeatedly(delay, interval, owner, tick, owner);

        // Replaced only once the new timer exists: a rejected interval leaves the old one running.
        Cancel(key);
        _timers[key] = new Entry(timer, tick.Generation, message, single);
    }

    internal sealed record TimerMessage(object Key, int Generation);

    private sealed record Entry(ICancelable Timer, int Generation, object Message, bool Single);
}
