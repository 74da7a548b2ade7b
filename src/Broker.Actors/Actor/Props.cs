namespace Broker.Actors;

/// <summary>
/// How to create an actor: its factory (called again on every restart), and the settings of its turn on
/// the dispatcher and the strategy it applies to its children. Immutable and shareable.
/// </summary>
public sealed record Props
{
    private readonly Delegate _factory;
    private readonly object? _state;
    private readonly Func<Delegate, object?, ActorBase> _create;

    private Props(Delegate factory, object? state, Func<Delegate, object?, ActorBase> create)
    {
        _factory = factory;
        _state = state;
        _create = create;
    }

    /// <summary>A new instance of the actor: at the start and on every restart.</summary>
    internal ActorBase NewActor() => _create(_factory, _state);

    /// <summary>Messages processed per turn before the thread goes to another actor; null takes the system's.</summary>
    public int? Throughput { get; init; }

    /// <summary>Overrides the actor's own <see cref="ActorBase.SupervisorStrategy"/> when set.</summary>
    public SupervisorStrategy? SupervisorStrategy { get; init; }

    public static Props Create<T>()
        where T : ActorBase, new() => Create(static () => new T());

    /// <summary>The factory must create a new instance on every call: it runs again on every restart.</summary>
    public static Props Create(Func<ActorBase> factory)
    {
        ArgumentNullException.ThrowIfNull(factory);
        return new Props(factory, null, static (f, _) => ((Func<ActorBase>)f)());
    }

    /// <summary>
    /// For actors made by the thousand (a session per client): a factory that captures nothing (a static lambda,
    /// one for them all) and the state it makes each actor from, so that an actor's props hold its state and no
    /// closure or delegate of its own: memory every idle session would carry. The factory runs again on every restart.
    /// </summary>
    public static Props Create<TState>(Func<TState, ActorBase> factory, TState state)
        where TState : class
    {
        ArgumentNullException.ThrowIfNull(factory);
        ArgumentNullException.ThrowIfNull(state);
        return new Props(factory, state, static (f, s) => ((Func<TState, ActorBase>)f)((TState)s!));
    }

    public Props WithThroughput(int throughput) =>
        throughput > 0 ? this with { Throughput = throughput } : throw new ArgumentOutOfRangeException(nameof(throughput));

    public Props WithSupervisorStrategy(SupervisorStrategy strategy) => this with { SupervisorStrategy = strategy };
}
