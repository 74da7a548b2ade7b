namespace Broker.Actors;

public static class AskExtensions
{
    /// <summary>
    /// Sends <paramref name="message"/> with a temporary sender and completes with the first reply, or
    /// with <see cref="AskTimeoutException"/> after <paramref name="timeout"/> (on the system's clock).
    /// For the edges of the system (HTTP handlers, tests); actors talk to each other with Tell.
    /// </summary>
    public static async Task<T> Ask<T>(this IActorRef target, object message, TimeSpan timeout, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(target);
        var system = (target as IInternalActorRef)?.System
            ?? throw new ArgumentException($"{target.Path} is not an actor of a local system.", nameof(target));
        var promise = new PromiseActorRef<T>(system);
        var timer = system.Scheduler.ScheduleOnce(timeout, () => promise.TimeOut($"{target.Path} did not answer {message.GetType().Name} within {timeout}"));
        await using var registration = cancellation.Register(() => promise.CancelWith(cancellation)).ConfigureAwait(false);
        try
        {
            target.Tell(message, promise);
            return await promise.Task.ConfigureAwait(false);
        }
        finally
        {
            timer.Cancel();
        }
    }
}
