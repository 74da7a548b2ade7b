namespace Broker.Actors;

/// <summary>
/// An actor's own timers, by key: starting a timer with a key in use replaces it, and a message of a
/// cancelled or replaced timer is never delivered, even if it was already on its way. All timers stop
/// when the actor stops or restarts. Use only from within the actor.
/// </summary>
public interface ITimerScheduler
{
    void StartSingleTimer(object key, object message, TimeSpan delay);

    void StartPeriodicTimer(object key, object message, TimeSpan interval);

    void StartPeriodicTimer(object key, object message, TimeSpan initialDelay, TimeSpan interval);

    bool IsTimerActive(object key);

    void Cancel(object key);

    void CancelAll();
}
