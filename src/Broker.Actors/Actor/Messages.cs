namespace Broker.Actors;

/// <summary>Sent to a watcher when an actor it watches has stopped (after every message that actor sent it).</summary>
public sealed record Terminated(IActorRef Actor);

/// <summary>Stops the actor once it has processed the messages sent before this one.</summary>
public sealed record PoisonPill
{
    public static readonly PoisonPill Instance = new();

    private PoisonPill()
    {
    }
}

/// <summary>Makes the actor fail with <see cref="ActorKilledException"/>, which its supervisor handles like any failure.</summary>
public sealed record Kill
{
    public static readonly Kill Instance = new();

    private Kill()
    {
    }
}

/// <summary>A reply that reports a failure: completes an <c>Ask</c> with the exception.</summary>
public sealed record StatusFailure(Exception Cause);
