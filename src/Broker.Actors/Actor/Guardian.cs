namespace Broker.Actors;

/// <summary>
/// The parent of top-level actors (<c>/user</c>, <c>/system</c>) and of those guardians (the root). It
/// handles no messages; it exists to supervise: the user guardian restarts failing top-level actors, the
/// root stops a guardian that fails, which ends the system.
/// </summary>
internal sealed class Guardian(SupervisorStrategy strategy) : ActorBase
{
    public override SupervisorStrategy SupervisorStrategy => strategy;

    protected override void Receive(object message) => Unhandled(message);

    /// <summary>A guardian's children are the system's actors: a restart must not stop them.</summary>
    protected override void PreRestart(Exception reason, object? message)
    {
    }
}
