namespace Broker.Actors;

/// <summary>
/// Where messages go whose recipient has stopped or never existed. Counts them and publishes each as a
/// <see cref="DeadLetter"/> on the event stream, which is how an operator finds lost messages.
/// </summary>
public sealed class DeadLetterOffice : IActorRef
{
    private readonly ActorSystem _system;
    private long _deadLetters;

    internal DeadLetterOffice(ActorSystem system)
    {
        _system = system;
        Path = ActorPath.Root(system.Address).Child("deadLetters");
    }

    public ActorPath Path { get; }

    /// <summary>Messages that reached no actor.</summary>
    public long DeadLetterCount => Interlocked.Read(ref _deadLetters);

    public void Tell(object message, IActorRef? sender = null) => Publish(message, sender, this);

    internal void Publish(object message, IActorRef? sender, IActorRef recipient)
    {
        // A dead letter about a dead letter would loop, and Terminated for a gone watcher is noise.
        if (message is DeadLetter or Terminated)
        {
            return;
        }

        Interlocked.Increment(ref _deadLetters);
        _system.EventStream.Publish(new DeadLetter(message, sender, recipient));
    }

    public override string ToString() => Path.ToString();
}
