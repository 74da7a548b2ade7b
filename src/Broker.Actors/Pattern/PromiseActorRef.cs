namespace Broker.Actors;

/// <summary>
/// The temporary sender of an <c>Ask</c>: the first message it receives completes the task. A
/// <see cref="StatusFailure"/> completes it with the exception, a message of the wrong type with an
/// <see cref="InvalidCastException"/>; anything after the first is a dead letter.
/// </summary>
internal sealed class PromiseActorRef<T> : IActorRef
{
    private static long s_next;
    private readonly ActorSystem _system;
    private readonly TaskCompletionSource<T> _promise = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public PromiseActorRef(ActorSystem system)
    {
        _system = system;
        Path = ActorPath.Root(system.Address).Child("temp").Child("$ask" + Interlocked.Increment(ref s_next).ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    public ActorPath Path { get; }

    public Task<T> Task => _promise.Task;

    public void Tell(object message, IActorRef? sender = null)
    {
        var completed = message switch
        {
            StatusFailure failure => _promise.TrySetException(failure.Cause),
            T reply => _promise.TrySetResult(reply),
            _ => _promise.TrySetException(new InvalidCastException(
                $"Asked for {typeof(T).Name}, received {message.GetType().Name} from {sender?.Path.ToString() ?? "no sender"}.")),
        };
        if (!completed)
        {
            _system.DeadLetters.Publish(message, sender, this);
        }
    }

    public bool TimeOut(string description) => _promise.TrySetException(new AskTimeoutException(description));

    public bool CancelWith(CancellationToken token) => _promise.TrySetCanceled(token);
}
