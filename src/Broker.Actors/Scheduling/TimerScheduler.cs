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

    public void StartSingleTimer(object key, object message, TimeSpan delay) => Start(key, message, delay, Timeout.InfiniteTimeSpan, single: true);

    public void StartPeriodicTimer(object key, object message, TimeSpan interval) => StartPeriodicTimer(key, message, interval, interval);

    public void StartPeriodicTimer(object key, object message, TimeSpan initialDelay, TimeSpan interval)
    {
        if (interval <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(interval), "A periodic timer needs a positive interval.");
        }

        Start(key, message, initialDelay, interval, single: false);
    }

    public bool IsTimerActive(object key) => _timers.ContainsKey(key);

    public void Cancel(object key)
    {
        if (_timers.Remove(key, out var entry))
        {
            entry.Timer.Dispose();
        }
    }

    public void CancelAll()
    {
        foreach (var entry in _timers.Values)
        {
            entry.Timer.Dispose();
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
            entry.Timer.Dispose();
        }

        return entry.Message;
    }

    private void Start(object key, object message, TimeSpan delay, TimeSpan period, bool single)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(message);
        Cancel(key);
        var timerMessage = new TimerMessage(key, ++_generation);
        var timer = owner.System.TimeProvider.CreateTimer(
            static state =>
            {
                var (cell, tick) = ((ActorCell, TimerMessage))state!;
                cell.Tell(tick, cell);
            },
            (owner, timerMessage),
            delay < TimeSpan.Zero ? TimeSpan.Zero : delay,
            period);
        _timers[key] = new Entry(timer, timerMessage.Generation, message, single);
    }

    internal sealed record TimerMessage(object Key, int Generation);

    private sealed record Entry(ITimer Timer, int Generation, object Message, bool Single);
}
