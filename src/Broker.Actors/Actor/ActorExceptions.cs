namespace Broker.Actors;

/// <summary>The actor's constructor or PreStart threw: by default its supervisor stops it rather than restart into the same fault.</summary>
public sealed class ActorInitializationException(string actor, Exception cause)
    : Exception($"{actor} failed to start: {cause.Message}", cause);

/// <summary>Thrown inside an actor that received <see cref="Kill"/>.</summary>
public sealed class ActorKilledException(string actor) : Exception($"{actor} was killed");

/// <summary>An actor watched another and did not handle its <see cref="Terminated"/>: it dies with it.</summary>
public sealed class DeathPactException(IActorRef dead) : Exception($"{dead.Path} terminated and the watcher did not handle it")
{
    public IActorRef DeadActor { get; } = dead;
}

/// <summary>A name is taken by a live child, or is not a valid path element.</summary>
public sealed class InvalidActorNameException(string message) : Exception(message);

/// <summary>An <c>Ask</c> got no reply in time.</summary>
public sealed class AskTimeoutException(string message) : TimeoutException(message);
