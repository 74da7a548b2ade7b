namespace Broker.Actors;

/// <summary>
/// The parts of an actor cell that most actors never need, kept out of the cell so that a million idle
/// session actors do not each carry empty collections.
/// </summary>
internal sealed class CellExtras
{
    public Dictionary<string, ActorCell>? Children;
    public long AnonymousNames;
    public HashSet<IInternalActorRef>? WatchedBy;
    public HashSet<IActorRef>? Watching;
    public TimerScheduler? Timers;
    public Stash? Stash;
    public Stash? InternalStash;

    /// <summary>Set by the parent when it asks this child to stop, so that a restart knows which children to wait for.</summary>
    public bool StopRequested;

    /// <summary>The message during which the actor failed, for PreRestart.</summary>
    public object? FailedMessage;

    /// <summary>The cause of a restart that waits for the old children to stop.</summary>
    public Exception? PendingRestart;

    /// <summary>The child whose failure this actor escalated: it stays suspended until this actor is resumed or restarted.</summary>
    public ActorCell? EscalatedChild;

    /// <summary>Restart statistics, written only by the parent.</summary>
    public int RestartCount;
    public DateTimeOffset RestartWindowStart;

    /// <summary>Unstashed messages, to be taken before the mailbox; the next one last. The actor's turn only.</summary>
    public List<Envelope>? Unstashed;
}
