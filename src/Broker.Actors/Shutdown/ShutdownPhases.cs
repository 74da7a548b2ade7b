namespace Broker.Actors;

/// <summary>
/// The broker's phases, in the order they run, as Akka names them so that its documentation applies. The cluster's
/// phases (hand-off, leave) come with the cluster.
/// </summary>
public static class ShutdownPhases
{
    /// <summary>Listeners stop accepting connections.</summary>
    public const string ServiceUnbind = "service-unbind";

    /// <summary>Connected clients are sent DISCONNECT with 0x8B (server shutting down) and closed.</summary>
    public const string ServiceRequestsDone = "service-requests-done";

    /// <summary>The listeners stop: connections still open are aborted.</summary>
    public const string ServiceStop = "service-stop";

    /// <summary>
    /// The last phase: the actors stop, and what outlives them (storage) closes once they have. It runs even when
    /// an earlier phase failed without recovery.
    /// </summary>
    public const string ActorSystemTerminate = "actor-system-terminate";

    /// <summary>Each phase's timeout unless it is listed otherwise.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Every phase recovers: a stuck listener must not keep the node from stopping. Phases without tasks finish at
    /// once, so the timeouts only add up over phases that have work.
    /// </summary>
    public static IReadOnlyList<ShutdownPhase> Default { get; } =
    [
        new(ServiceUnbind, DefaultTimeout),
        new(ServiceRequestsDone, DefaultTimeout),
        new(ServiceStop, DefaultTimeout),
        new(ActorSystemTerminate, DefaultTimeout),
    ];
}
