namespace Broker.Actors;

/// <summary>System messages and the lifecycle they drive: create, stop, and the invocation of ordinary messages.</summary>
internal sealed partial class ActorCell
{
    [ThreadStatic]
    private static ActorCell? t_constructing;

    /// <summary>The cell whose actor instance is being constructed on this thread, for <see cref="ActorBase"/>'s constructor.</summary>
    internal static ActorCell? Constructing => t_constructing;

    private void ProcessSystemMessages()
    {
        while (TakeSystemMessages() is { } node)
        {
            for (; node is not null; node = node.Next)
            {
                HandleSystemMessage(node.Message);
            }
        }
    }

    private void HandleSystemMessage(SystemMessage message)
    {
        switch (message)
        {
            case CreateActor:
                HandleCreate();
                break;
            case StopActor:
                HandleTerminate();
                break;
            case ResumeActor:
                HandleResume();
                break;
            case RecreateActor recreate:
                HandleRecreate(recreate.Cause);
                break;
            case ChildFailed failed:
                HandleFailed(failed);
                break;
            case ChildTerminated terminated:
                HandleChildTerminated(terminated.Child);
                break;
            case WatchActor watch:
                HandleWatch(watch.Watcher);
                break;
            case UnwatchActor unwatch:
                HandleUnwatch(unwatch.Watcher);
                break;
            case DeathWatchNotification notification:
                HandleDeathWatchNotification(notification.Actor);
                break;
        }
    }

    private void Invoke(in Envelope envelope)
    {
        _sender = envelope.Sender;
        _message = envelope.Message;
        try
        {
            switch (envelope.Message)
            {
                case PoisonPill:
                    SendSystemMessage(StopActor.Instance);
                    break;
                case Kill:
                    throw new ActorKilledException(Path.ToString());
                case TimerScheduler.TimerMessage timer:
                    if (_extras?.Timers?.Accept(timer) is { } due)
                    {
                        // The timer's own message is the current one: stashing it must keep it, not the tick,
                        // which a single-shot timer would refuse once unstashed (Accept has forgotten it).
                        _message = due;
                        Dispatch(due);
                    }

                    break;
                default:
                    Dispatch(envelope.Message);
                    break;
            }
        }
        catch (Exception e)
        {
            HandleInvokeFailure(e, envelope.Message);
        }
        finally
        {
            _sender = null;
            _message = null;
        }
    }

    private void HandleCreate()
    {
        try
        {
            CreateInstance();
            _state = LifecycleState.Running;
            _actor!.InvokePreStart();
        }
        catch (Exception e)
        {
            _state = LifecycleState.Running;
            HandleInvokeFailure(new ActorInitializationException(Path.ToString(), e), null);
        }
    }

    private void CreateInstance()
    {
        t_constructing = this;
        try
        {
            _actor = _props.NewActor();
        }
        finally
        {
            t_constructing = null;
        }
    }

    private void HandleTerminate()
    {
        if (_state is LifecycleState.Terminating or LifecycleState.Terminated)
        {
            return;
        }

        _state = LifecycleState.Terminating;
        _extras?.Timers?.CancelAll();
        foreach (var child in ChildCells)
        {
            StopChild(child);
        }

        if (!HasChildren)
        {
            FinishTerminate();
        }
    }

    /// <summary>Runs when the last child has gone: PostStop, close the mailbox, tell the watchers and the parent.</summary>
    private void FinishTerminate()
    {
        if (_actor is not null)
        {
            try
            {
                _actor.InvokePostStop();
            }
            catch (Exception e)
            {
                ReportError("PostStop failed", e);
            }
        }

        _state = LifecycleState.Terminated;
        _actor = null;

        // Stashed messages are still undelivered: they go to dead letters ahead of the mailbox's, in their order.
        _extras?.InternalStash?.UnstashAll();
        _extras?.Stash?.UnstashAll();
        var (messages, system) = CloseMailbox();
        foreach (var envelope in messages)
        {
            _system.DeadLetters.Publish(envelope.Message, envelope.Sender, this);
        }

        for (; system is not null; system = system.Next)
        {
            SystemMessageToDeadActor(system.Message);
        }

        NotifyWatchersAndUnwatch();
        _system.EventStream.Unsubscribe(this);
        _system.OnTerminated(this);
        if (_parent is null)
        {
            _system.OnRootTerminated();
        }
        else
        {
            _parent.SendSystemMessage(new ChildTerminated(this));
        }
    }

    /// <summary>What a stopped actor still owes: a watcher that arrives too late learns at once that it is gone.</summary>
    private void SystemMessageToDeadActor(SystemMessage message)
    {
        if (message is WatchActor watch)
        {
            watch.Watcher.SendSystemMessage(new DeathWatchNotification(this));
        }
    }
}
