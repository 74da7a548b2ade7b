namespace Broker.Actors;

/// <summary>Children: creation with unique names, stopping, and the bookkeeping when they are gone.</summary>
internal sealed partial class ActorCell
{
    public IEnumerable<IActorRef> Children => ChildCells;

    private ActorCell[] ChildCells
    {
        get
        {
            var children = _extras?.Children;
            if (children is null)
            {
                return [];
            }

            lock (children)
            {
                return [.. children.Values];
            }
        }
    }

    private bool HasChildren
    {
        get
        {
            var children = _extras?.Children;
            if (children is null)
            {
                return false;
            }

            lock (children)
            {
                return children.Count > 0;
            }
        }
    }

    public IActorRef? Child(string name)
    {
        var children = _extras?.Children;
        if (children is null)
        {
            return null;
        }

        lock (children)
        {
            return children.GetValueOrDefault(name);
        }
    }

    /// <summary>Safe from any thread: the user guardian spawns for whoever calls ActorSystem.ActorOf.</summary>
    public IActorRef Spawn(Props props, string? name = null)
    {
        ArgumentNullException.ThrowIfNull(props);
        var extras = Extras;
        var children = extras.Children;
        if (children is null)
        {
            Interlocked.CompareExchange(ref extras.Children, new Dictionary<string, ActorCell>(StringComparer.Ordinal), null);
            children = extras.Children;
        }

        if (name is null)
        {
            name = "$" + Interlocked.Increment(ref extras.AnonymousNames).ToString("x", global::System.Globalization.CultureInfo.InvariantCulture);
        }
        else
        {
            ValidateGivenName(name);
        }

        var child = new ActorCell(_system, this, name, props);
        lock (children)
        {
            // A child that has stopped frees its name at once, though this cell hears of it later: a
            // watcher told of its Terminated (this parent too) may create its successor straight away.
            if (children.TryGetValue(name, out var existing) && !existing.IsTerminated)
            {
                throw new InvalidActorNameException($"{Path}/{name} already exists (a name is free again once its actor has stopped)");
            }

            children[name] = child;
        }

        child.SendSystemMessage(CreateActor.Instance);
        if (_state is LifecycleState.Terminating or LifecycleState.Terminated)
        {
            StopChild(child);
        }

        return child;
    }

    /// <summary>A caller's name must be valid and must not start with '$', kept for the names made up above.</summary>
    private static void ValidateGivenName(string name)
    {
        try
        {
            ActorName.Validate(name);
        }
        catch (ArgumentException e)
        {
            throw new InvalidActorNameException(e.Message);
        }

        if (name[0] == '$')
        {
            throw new InvalidActorNameException($"'{name}' is not a valid actor name: names beginning with '$' are kept for the names the system makes up.");
        }
    }

    public void Stop(IActorRef actor)
    {
        switch (actor)
        {
            case ActorCell cell when ReferenceEquals(cell._parent, this):
                StopChild(cell);
                break;
            case IInternalActorRef other:
                other.SendSystemMessage(StopActor.Instance);
                break;
            default:
                throw new ArgumentException($"{actor.Path} cannot be stopped from here.", nameof(actor));
        }
    }

    private static void StopChild(ActorCell child)
    {
        child.Extras.StopRequested = true;
        child.SendSystemMessage(StopActor.Instance);
    }

    private void HandleChildTerminated(ActorCell child)
    {
        var children = _extras?.Children;
        if (children is not null)
        {
            lock (children)
            {
                if (children.TryGetValue(child._name, out var current) && ReferenceEquals(current, child))
                {
                    children.Remove(child._name);
                }
            }
        }

        if (_state == LifecycleState.Terminating && !HasChildren)
        {
            FinishTerminate();
        }
        else if (_state == LifecycleState.Restarting && !ChildCells.Any(c => c._extras?.StopRequested == true))
        {
            FinishRecreate();
        }
    }
}
