namespace Broker.Actors;

/// <summary>
/// A hierarchy of actors with its guardians (<c>/user</c> for application actors, <c>/system</c> for the
/// runtime's own), dead letters, event stream and scheduler. <see cref="Terminate"/> stops everything,
/// children before parents, and completes <see cref="WhenTerminated"/>.
/// </summary>
public sealed class ActorSystem : IAsyncDisposable
{
    private readonly ActorCell _root;
    private readonly ActorCell _user;
    private readonly ActorCell _systemGuardian;
    private readonly TaskCompletionSource _terminated = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _userTerminated = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Task? _termination;

    private ActorSystem(string name, ActorSystemSettings settings)
    {
        ActorName.Validate(name);
        Name = name;
        Settings = settings;
        Address = Address.Local(name);
        Scheduler = new Scheduler(settings.TimeProvider);
        EventStream = new EventStream();
        DeadLetters = new DeadLetterOffice(this);
        _root = new ActorCell(this, null, "", Props.Create(() => new Guardian(SupervisorStrategy.StoppingStrategy)));
        _root.SendSystemMessage(CreateActor.Instance);
        _user = (ActorCell)_root.Spawn(Props.Create(() => new Guardian(SupervisorStrategy.Default)), "user");
        _systemGuardian = (ActorCell)_root.Spawn(Props.Create(() => new Guardian(SupervisorStrategy.Default)), "system");
        CoordinatedShutdown = new CoordinatedShutdown(settings.ShutdownPhases, EventStream, settings.TimeProvider);
        CoordinatedShutdown.AddTask(ShutdownPhases.ActorSystemTerminate, "stop-actors", _ => StopGuardians());
    }

    public string Name { get; }

    public Address Address { get; }

    public ActorSystemSettings Settings { get; }

    public TimeProvider TimeProvider => Settings.TimeProvider;

    public Scheduler Scheduler { get; }

    public EventStream EventStream { get; }

    public DeadLetterOffice DeadLetters { get; }

    /// <summary>The ordered shutdown of the node; its last phase stops every actor of this system.</summary>
    public CoordinatedShutdown CoordinatedShutdown { get; }

    public Task WhenTerminated => _terminated.Task;

    public static ActorSystem Create(string name, ActorSystemSettings? settings = null) => new(name, settings ?? ActorSystemSettings.Default);

    /// <summary>Creates a top-level actor, a child of <c>/user</c>. Safe from any thread.</summary>
    public IActorRef ActorOf(Props props, string? name = null) => _user.Spawn(props, name);

    /// <summary>Creates a runtime actor, a child of <c>/system</c>, which outlives the application's actors at shutdown.</summary>
    public IActorRef SystemActorOf(Props props, string? name = null) => _systemGuardian.Spawn(props, name);

    /// <summary>The top-level actor of that name, if it is alive.</summary>
    public IActorRef? TopLevel(string name) => _user.Child(name);

    public void Stop(IActorRef actor)
    {
        if (actor is IInternalActorRef target)
        {
            target.SendSystemMessage(StopActor.Instance);
        }
    }

    /// <summary>
    /// Runs the coordinated shutdown (or joins one under way), whose last phase stops the application's
    /// actors, then the runtime's, then the root; completes when all have run PostStop. Idempotent.
    /// </summary>
    public Task Terminate()
    {
        _ = CoordinatedShutdown.RunAsync(new ActorSystemTerminateReason());
        return WhenTerminated;
    }

    /// <summary>The shutdown task: must not wait for the coordinated shutdown, which is waiting for it.</summary>
    private Task StopGuardians()
    {
        lock (_terminated)
        {
            return _termination ??= StopGuardiansAsync();
        }
    }

    private async Task StopGuardiansAsync()
    {
        _user.SendSystemMessage(StopActor.Instance);
        await _userTerminated.Task.ConfigureAwait(false);
        _root.SendSystemMessage(StopActor.Instance);
        await _terminated.Task.ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        await Terminate().WaitAsync(Settings.TerminationTimeout, TimeProvider.System).ConfigureAwait(false);
    }

    internal void OnTerminated(ActorCell cell)
    {
        if (ReferenceEquals(cell, _user))
        {
            _userTerminated.TrySetResult();
        }
    }

    internal void OnRootTerminated()
    {
        _userTerminated.TrySetResult();
        Scheduler.CancelAll();
        _terminated.TrySetResult();
    }

    public override string ToString() => Address.ToString();
}
