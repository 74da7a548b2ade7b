namespace Broker.Actors;

/// <summary>
/// One actor's home: its instance, mailbox, lifecycle state and relations. The cell is also the actor's
/// reference (a local reference needs nothing more) and its context, so that an idle actor costs one
/// object plus its instance; whatever only some actors use (children, watchers, timers, stash, restart
/// statistics) lives in <see cref="CellExtras"/>, created on first use.
/// <para>Split by concern: Mailbox (queueing and the turn on the thread pool), SystemMessages (lifecycle),
/// Children, DeathWatch, FaultHandling.</para>
/// <code>
///   Creating ──Create──▶ Running ──Terminate──▶ Terminating ──last child gone──▶ Terminated
///                          │  ▲
///                 failure  ▼  │ Resume / Recreate (Restarting while the old children stop)
///                        Suspended
/// </code>
/// </summary>
internal sealed partial class ActorCell : IInternalActorRef, IActorContext
{
    private readonly ActorSystem _system;
    private readonly ActorCell? _parent;
    private readonly string _name;
    private readonly Props _props;
    private ActorBase? _actor;
    private IActorRef? _sender;
    private object? _message;
    private CellExtras? _extras;
    private LifecycleState _state;

    internal ActorCell(ActorSystem system, ActorCell? parent, string name, Props props)
    {
        _system = system;
        _parent = parent;
        _name = name;
        _props = props;
    }

    private enum LifecycleState : byte
    {
        Creating,
        Running,
        Restarting,
        Terminating,
        Terminated,
    }

    public ActorSystem System => _system;

    public ActorPath Path => _parent is null ? ActorPath.Root(_system.Address) : _parent.Path.Child(_name);

    public string Name => _name;

    public IActorRef Self => this;

    public IActorRef? Sender => _sender;

    public IActorRef? Parent => _parent;

    internal object? CurrentMessage => _message;

    internal bool IsTerminated => Volatile.Read(ref _closed);

    private CellExtras Extras
    {
        get
        {
            // The parent writes a child's restart statistics from its own thread: creation must not race.
            return _extras ?? Interlocked.CompareExchange(ref _extras, new CellExtras(), null) ?? _extras;
        }
    }

    public ITimerScheduler Timers => Extras.Timers ??= new TimerScheduler(this);

    public IStash Stash => Extras.Stash ??= new Stash(this);

    /// <summary>The runtime's own stash (a persistent actor's commands during recovery and persist), apart from the actor's.</summary>
    internal IStash InternalStash => Extras.InternalStash ??= new Stash(this);

    public override string ToString() => Path.ToString();

    /// <summary>A direct call, since a method group would allocate a delegate per message.</summary>
    private void Dispatch(object message) => _actor!.AroundReceive(message);

    private void Publish(object @event) => _system.EventStream.Publish(@event);

    internal void ReportError(string message, Exception? cause) => Publish(new ActorErrorEvent(Path, message, cause));
}
