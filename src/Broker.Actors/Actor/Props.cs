namespace Broker.Actors;

/// <summary>
/// How to create an actor: its factory (called again on every restart), and the settings of its mailbox,
/// its turn on the dispatcher and the strategy it applies to its children. Immutable and shareable.
/// </summary>
public sealed record Props
{
    private Props(Func<ActorBase> factory)
    {
        Factory = factory;
    }

    internal Func<ActorBase> Factory { get; }

    public MailboxOptions Mailbox { get; init; } = MailboxOptions.Unbounded;

    /// <summary>Messages processed per turn before the thread goes to another actor; null takes the system's.</summary>
    public int? Throughput { get; init; }

    /// <summary>Overrides the actor's own <see cref="ActorBase.SupervisorStrategy"/> when set.</summary>
    public SupervisorStrategy? SupervisorStrategy { get; init; }

    public static Props Create<T>()
        where T : ActorBase, new() => new(static () => new T());

    /// <summary>The factory must create a new instance on every call: it runs again on every restart.</summary>
    public static Props Create(Func<ActorBase> factory)
    {
        ArgumentNullException.ThrowIfNull(factory);
        return new Props(factory);
    }

    public Props WithMailbox(MailboxOptions mailbox) => this with { Mailbox = mailbox };

    public Props WithThroughput(int throughput) =>
        throughput > 0 ? this with { Throughput = throughput } : throw new ArgumentOutOfRangeException(nameof(throughput));

    public Props WithSupervisorStrategy(SupervisorStrategy strategy) => this with { SupervisorStrategy = strategy };
}
