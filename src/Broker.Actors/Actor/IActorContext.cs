namespace Broker.Actors;

/// <summary>What an actor may do while it processes a message. Valid only on the actor's own turn.</summary>
public interface IActorContext
{
    IActorRef Self { get; }

    /// <summary>The sender of the message being processed; null when it was sent without one.</summary>
    IActorRef? Sender { get; }

    IActorRef? Parent { get; }

    ActorSystem System { get; }

    IEnumerable<IActorRef> Children { get; }

    IActorRef? Child(string name);

    /// <summary>Creates a child. A null name gets a unique one that starts with '$'.</summary>
    IActorRef Spawn(Props props, string? name = null);

    /// <summary>Stops a child or this actor itself, after the message being processed.</summary>
    void Stop(IActorRef actor);

    /// <summary>Delivers <see cref="Terminated"/> when the actor stops, at once if it already has.</summary>
    IActorRef Watch(IActorRef actor);

    void Unwatch(IActorRef actor);

    /// <summary>Timers that deliver messages to this actor and die with it.</summary>
    ITimerScheduler Timers { get; }

    /// <summary>Messages set aside to be processed later, in their order.</summary>
    IStash Stash { get; }
}
