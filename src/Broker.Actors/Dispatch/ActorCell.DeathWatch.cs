namespace Broker.Actors;

/// <summary>
/// Death watch: who wants to know when this actor stops, and whom this actor watches. The first watcher is
/// kept in the cell itself, the others in <see cref="CellExtras.WatchedBy"/>: most watched actors have one
/// watcher (each session, its registry), and a set plus the extras for it would weigh on the memory of
/// every idle session.
/// </summary>
internal sealed partial class ActorCell
{
    private IInternalActorRef? _watcher;

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

        if (_watcher is null && _extras?.WatchedBy is null)
        {
            _watcher = watcher;
        }
        else if (!Equals(_watcher, watcher))
        {
            (Extras.WatchedBy ??= []).Add(watcher);
        }
    }

    private void HandleUnwatch(IInternalActorRef watcher)
    {
        if (Equals(_watcher, watcher))
        {
            _watcher = null;
        }
        else
        {
            _extras?.WatchedBy?.Remove(watcher);
        }
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
        if (_watcher is { } sole)
        {
            sole.SendSystemMessage(new DeathWatchNotification(this));
            _watcher = null;
        }

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
