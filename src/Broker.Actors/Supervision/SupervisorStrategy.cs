namespace Broker.Actors;

/// <summary>
/// How a parent treats a failing child, as in Erlang/OTP supervisors: the decider maps the exception to a
/// <see cref="Directive"/>; a restart beyond <see cref="MaxRetries"/> within <see cref="Within"/> stops the
/// child instead. One-for-one applies the directive to the failing child, all-for-one to every child.
/// </summary>
public abstract class SupervisorStrategy
{
    /// <summary>Restart on any failure, except those where a restart cannot help (see <see cref="DefaultDecider"/>).</summary>
    public static readonly SupervisorStrategy Default = new OneForOneStrategy(DefaultDecider);

    /// <summary>Stop a child that failed permanently.</summary>
    public static readonly SupervisorStrategy StoppingStrategy = new OneForOneStrategy(_ => Directive.Stop);

    protected SupervisorStrategy(Func<Exception, Directive> decider, int maxRetries, TimeSpan? within, BackoffOptions? backoff)
    {
        Decider = decider;
        MaxRetries = maxRetries;
        Within = within;
        Backoff = backoff;
    }

    public Func<Exception, Directive> Decider { get; }

    /// <summary>Restarts allowed within <see cref="Within"/>; -1 for no limit.</summary>
    public int MaxRetries { get; }

    /// <summary>The window restarts are counted in; null counts them over the child's whole life.</summary>
    public TimeSpan? Within { get; }

    /// <summary>When set, restarts wait (see <see cref="BackoffOptions"/>) instead of happening at once.</summary>
    public BackoffOptions? Backoff { get; }

    /// <summary>
    /// A child that cannot start, was killed, or broke a death pact is stopped: restarting would repeat it.
    /// Everything else restarts.
    /// </summary>
    public static Directive DefaultDecider(Exception exception) => exception switch
    {
        ActorInitializationException or ActorKilledException or DeathPactException => Directive.Stop,
        _ => Directive.Restart,
    };

    /// <summary>The children a directive about <paramref name="failed"/> applies to.</summary>
    internal abstract IEnumerable<ActorCell> Affected(ActorCell parent, ActorCell failed);
}

/// <summary>The directive applies to the failing child only.</summary>
public sealed class OneForOneStrategy(
    Func<Exception, Directive> decider, int maxRetries = -1, TimeSpan? within = null, BackoffOptions? backoff = null)
    : SupervisorStrategy(decider, maxRetries, within, backoff)
{
    internal override IEnumerable<ActorCell> Affected(ActorCell parent, ActorCell failed) => [failed];
}

/// <summary>The directive applies to every child: for children that only work as a group.</summary>
public sealed class AllForOneStrategy(
    Func<Exception, Directive> decider, int maxRetries = -1, TimeSpan? within = null, BackoffOptions? backoff = null)
    : SupervisorStrategy(decider, maxRetries, within, backoff)
{
    internal override IEnumerable<ActorCell> Affected(ActorCell parent, ActorCell failed) => parent.ChildCells;
}
