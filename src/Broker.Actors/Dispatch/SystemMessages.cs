namespace Broker.Actors;

/// <summary>
/// Messages of the runtime itself. They overtake ordinary messages: an actor handles all waiting system
/// messages before its next ordinary one, and handles them even while suspended after a failure.
/// </summary>
internal abstract record SystemMessage;

/// <summary>Create the actor instance and run PreStart.</summary>
internal sealed record CreateActor : SystemMessage
{
    public static readonly CreateActor Instance = new();
}

/// <summary>Stop: children first, then PostStop, then tell the parent and the watchers.</summary>
internal sealed record StopActor : SystemMessage
{
    public static readonly StopActor Instance = new();
}

/// <summary>The supervisor's answer "go on with the same instance".</summary>
internal sealed record ResumeActor : SystemMessage
{
    public static readonly ResumeActor Instance = new();
}

/// <summary>The supervisor's answer "restart": a new instance replaces the one that failed with <paramref name="Cause"/>.</summary>
internal sealed record RecreateActor(Exception Cause) : SystemMessage;

/// <summary>A child failed while processing a message; it stays suspended until its parent decides.</summary>
internal sealed record ChildFailed(ActorCell Child, Exception Cause) : SystemMessage;

/// <summary>A child finished stopping: its name is free again.</summary>
internal sealed record ChildTerminated(ActorCell Child) : SystemMessage;

/// <summary><paramref name="Watcher"/> wants to know when the receiver stops.</summary>
internal sealed record WatchActor(IInternalActorRef Watcher) : SystemMessage;

/// <summary><paramref name="Watcher"/> no longer wants to know.</summary>
internal sealed record UnwatchActor(IInternalActorRef Watcher) : SystemMessage;

/// <summary>A watched actor stopped; becomes a <see cref="Terminated"/> message for the watcher.</summary>
internal sealed record DeathWatchNotification(IActorRef Actor) : SystemMessage;
