namespace Broker.Actors;

/// <summary>Death watch: who wants to know when this actor stops, and whom this actor watches.</summary>
internal sealed partial class ActorCell
{
    public IActorRef Watch(IActorRef actor)
    {
        if (actor is not IInternalActorRef target)
        {
            throw new ArgumentException($"{actor.Path} cannot be watched.", nameof(actor));
        }

        if (!ReferenceEquals(actor, this) && (Extras.Watching ??= []).Add(actor))
        {
            target.SendSystemMessage(new WatchActor(this));
        }

        return actor;
    }

    public void Unwatch(IActorRef actor)
    {
        if (_extras?.Watching?.Remove(actor) == true && actor is IInternalActorRef target)
        {
            target.SendSystemMessage(new UnwatchActor(this));
        }
    }

    private void HandleWatch(IInternalActorRef watcher)
    {
        if (_state == LifecycleState.Terminated)
        {
            watcher.SendSystemMessage(new DeathWatchNotification(this));
            return;
        }

        (Extras.WatchedBy ??= []).Add(watcher);
    }

    /// <summary>
    /// Becomes an ordinary <see cref="Terminated"/> message at the back of the mailbox, so it arrives after
    /// every message the dead actor sent before it stopped.
    /// </summary>
    private void HandleDeathWatchNotification(IActorRef actor)
    {
        if (_extras?.Watching?.Remove(actor) == true)
        {
            Tell(new Terminated(actor), actor);
        }
    }

    private void NotifyWatchersAndUnwatch()
    {
        if (_extras is not { } extras)
        {
            return;
        }

        if (extras.WatchedBy is { } watchers)
        {
            foreach (var watcher in watchers)
            {
                watcher.SendSystemMessage(new DeathWatchNotification(this));
            }

            extras.WatchedBy = null;
        }

        if (extras.Watching is { } watching)
        {
            foreach (var watched in watching)
            {
                (watched as IInternalActorRef)?.SendSystemMessage(new UnwatchActor(this));
            }

            extras.Watching = null;
        }
    }
}
