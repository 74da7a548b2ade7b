namespace Broker.Actors;

/// <summary>
/// Let it crash: a failing actor suspends itself and tells its parent, whose supervisor strategy decides
/// to resume, restart, stop, or escalate the failure to its own parent.
/// </summary>
internal sealed partial class ActorCell
{
    private void HandleInvokeFailure(Exception cause, object? message)
    {
        _suspendCount++;
        Extras.FailedMessage = message;
        ReportError($"failed: {cause.Message}", cause);
        if (_parent is null)
        {
            // The root guardian has nobody to ask: the system cannot go on without it.
            SendSystemMessage(StopActor.Instance);
            return;
        }

        _parent.SendSystemMessage(new ChildFailed(this, cause));
    }

    private void HandleFailed(ChildFailed failed)
    {
        var child = failed.Child;
        if (!ReferenceEquals(Child(child._name), child) || _state is LifecycleState.Terminating or LifecycleState.Terminated)
        {
            return;
        }

        var strategy = _props.SupervisorStrategy ?? _actor?.SupervisorStrategy ?? SupervisorStrategy.Default;
        Directive directive;
        try
        {
            directive = strategy.Decider(failed.Cause);
        }
        catch (Exception e)
        {
            ReportError("the supervisor strategy's decider threw; escalating", e);
            directive = Directive.Escalate;
        }

        switch (directive)
        {
            case Directive.Resume:
                child.SendSystemMessage(ResumeActor.Instance);
                break;
            case Directive.Restart:
                RestartChild(child, failed.Cause, strategy);
                break;
            case Directive.Stop:
                StopChild(child);
                break;
            default:
                Extras.EscalatedChild = child;
                HandleInvokeFailure(failed.Cause, null);
                break;
        }
    }

    private void RestartChild(ActorCell child, Exception cause, SupervisorStrategy strategy)
    {
        var stats = child.Extras;
        var now = _system.TimeProvider.GetUtcNow();
        if (stats.RestartCount == 0 || (strategy.Within is { } window && now - stats.RestartWindowStart > window))
        {
            stats.RestartCount = 0;
            stats.RestartWindowStart = now;
        }

        stats.RestartCount++;
        if (strategy.MaxRetries >= 0 && stats.RestartCount > strategy.MaxRetries)
        {
            ReportError($"{child.Path} failed {stats.RestartCount} times, more than the {strategy.MaxRetries} restarts allowed: stopping it", cause);
            StopChild(child);
            return;
        }

        child.SendSystemMessage(new RecreateActor(cause));
    }

    private void HandleResume()
    {
        if (_actor is null && _state == LifecycleState.Running)
        {
            // Failed before an instance existed: resuming means trying to create it again.
            HandleRecreate(new InvalidOperationException("resumed an actor that has no instance"));
            return;
        }

        if (_suspendCount > 0)
        {
            _suspendCount--;
        }

        ReleaseEscalatedChild(ResumeActor.Instance);
    }

    /// <summary>
    /// The child whose failure this actor escalated shares its fate: resumed when this actor is, restarted
    /// when this actor restarts (unless PreRestart stopped it, as the default does).
    /// </summary>
    private void ReleaseEscalatedChild(SystemMessage message)
    {
        if (_extras?.EscalatedChild is { } child)
        {
            _extras.EscalatedChild = null;
            child.SendSystemMessage(message);
        }
    }

    private void HandleRecreate(Exception cause)
    {
        if (_state is LifecycleState.Terminating or LifecycleState.Terminated)
        {
            return;
        }

        var failedMessage = _extras?.FailedMessage;
        _extras?.Timers?.CancelAll();
        _extras?.InternalStash?.UnstashAll();
        _extras?.Stash?.UnstashAll();
        if (_actor is not null)
        {
            try
            {
                _actor.InvokePreRestart(cause, failedMessage);
            }
            catch (Exception e)
            {
                ReportError("PreRestart failed", e);
            }
        }

        _actor = null;
        Extras.PendingRestart = cause;
        if (ChildCells.Any(c => c._extras?.StopRequested == true))
        {
            _state = LifecycleState.Restarting;
            return;
        }

        FinishRecreate();
    }

    /// <summary>The new instance, once the children PreRestart stopped are gone; the failing message is not redelivered.</summary>
    private void FinishRecreate()
    {
        var cause = _extras!.PendingRestart!;
        _extras.PendingRestart = null;
        _extras.FailedMessage = null;
        _state = LifecycleState.Running;
        _suspendCount = 0;
        ReleaseEscalatedChild(new RecreateActor(cause));
        try
        {
            CreateInstance();
            _actor!.InvokePostRestart(cause);
        }
        catch (Exception e)
        {
            HandleInvokeFailure(new ActorInitializationException(Path.ToString(), e), null);
        }
    }
}
