namespace Broker.Actors;

/// <summary>
/// How a parent treats a failing child, one-for-one as in Erlang/OTP supervisors: the decider maps the
/// exception to a <see cref="Directive"/> for the failing child; a restart beyond <see cref="MaxRetries"/>
/// within <see cref="Within"/> stops the child instead.
/// </summary>
public sealed class SupervisorStrategy(Func<Exception, Directive> decider, int maxRetries = -1, TimeSpan? within = null)
{
    /// <summary>Restart on any failure, except those where a restart cannot help (see <see cref="DefaultDecider"/>).</summary>
    public static readonly SupervisorStrategy Default = new(DefaultDecider);

    /// <summary>Stop a child that failed permanently.</summary>
    public static readonly SupervisorStrategy StoppingStrategy = new(_ => Directive.Stop);

    public Func<Exception, Directive> Decider { get; } = decider;

    /// <summary>Restarts allowed within <see cref="Within"/>; -1 for no limit.</summary>
    public int MaxRetries { get; } = maxRetries;

    /// <summary>The window restarts are counted in; null counts them over the child's whole life.</summary>
    public TimeSpan? Within { get; } = within;

    /// <summary>
    /// A child that cannot start, was killed, or broke a death pact is stopped: restarting would repeat it.
    /// Everything else restarts.
    /// </summary>
    public static Directive DefaultDecider(Exception exception) => exception switch
    {
        ActorInitializationException or ActorKilledException or DeathPactException => Directive.Stop,
        _ => Directive.Restart,
    };
}
