namespace Broker.Actors;

/// <summary>
/// An actor: state that only its own messages touch, one at a time. Subclasses handle messages in
/// <see cref="Receive"/>, usually a <c>switch</c> with one line per message type calling a small method.
/// Instances are created by the runtime from <see cref="Props"/>, never with <c>new</c> by other code,
/// and are replaced by a fresh instance when their supervisor restarts them.
/// </summary>
public abstract class ActorBase
{
    private readonly ActorCell _cell;

    protected ActorBase()
    {
        _cell = ActorCell.Constructing ?? throw new InvalidOperationException(
            "Actors are created with Spawn or ActorSystem.ActorOf, not with new.");
    }

    protected IActorContext Context => _cell;

    protected IActorRef Self => _cell;

    protected IActorRef? Sender => _cell.Sender;

    /// <summary>The strategy this actor applies to its failing children.</summary>
    public virtual SupervisorStrategy SupervisorStrategy => SupervisorStrategy.Default;

    protected abstract void Receive(object message);

    /// <summary>Reports a message nobody handles; an unhandled <see cref="Terminated"/> kills the actor (a death pact).</summary>
    protected void Unhandled(object message)
    {
        if (message is Terminated terminated)
        {
            throw new DeathPactException(terminated.Actor);
        }

        _cell.System.EventStream.Publish(new UnhandledMessage(message, Sender, Self));
    }

    protected virtual void PreStart()
    {
    }

    protected virtual void PostStop()
    {
    }

    /// <summary>Before a restart: by default stops the children and runs <see cref="PostStop"/>.</summary>
    protected virtual void PreRestart(Exception reason, object? message)
    {
        foreach (var child in Context.Children.ToArray())
        {
            Context.Stop(child);
        }

        PostStop();
    }

    /// <summary>After a restart, on the new instance: by default runs <see cref="PreStart"/>.</summary>
    protected virtual void PostRestart(Exception reason) => PreStart();

    internal ActorCell Cell => _cell;

    // The cell calls the hooks through these, so that subclasses in any assembly override plain protected members.
    // They are virtual for the runtime's own base classes (PersistentActor), which wrap the user's hooks.

    internal virtual void AroundReceive(object message) => Receive(message);

    internal virtual void InvokePreStart() => PreStart();

    internal virtual void InvokePostStop() => PostStop();

    internal void InvokePreRestart(Exception reason, object? message) => PreRestart(reason, message);

    internal virtual void InvokePostRestart(Exception reason) => PostRestart(reason);
}
