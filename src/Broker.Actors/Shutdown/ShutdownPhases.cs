namespace Broker.Actors;

/// <summary>
/// The broker's phases, in the order they run, as Akka names them so that its documentation applies.
/// A phase without tasks costs nothing, so the list names every point someone may need to hook into.
/// </summary>
public static class ShutdownPhases
{
    public const string BeforeServiceUnbind = "before-service-unbind";

    /// <summary>Listeners stop accepting connections.</summary>
    public const string ServiceUnbind = "service-unbind";

    /// <summary>Connected clients are sent DISCONNECT with 0x8B (server shutting down) and closed.</summary>
    public const string ServiceRequestsDone = "service-requests-done";

    public const string ServiceStop = "service-stop";

    public const string BeforeClusterShutdown = "before-cluster-shutdown";

    /// <summary>Sharded entities (sessions) are handed off to the nodes that stay.</summary>
    public const string ClusterShardingShutdownRegion = "cluster-sharding-shutdown-region";

    public const string ClusterLeave = "cluster-leave";

    public const string ClusterExiting = "cluster-exiting";

    public const string ClusterExitingDone = "cluster-exiting-done";

    public const string ClusterShutdown = "cluster-shutdown";

    public const string BeforeActorSystemTerminate = "before-actor-system-terminate";

    /// <summary>The last phase: it runs even when an earlier phase failed without recovery.</summary>
    public const string ActorSystemTerminate = "actor-system-terminate";

    /// <summary>Each phase's timeout unless it is listed otherwise.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Every phase recovers: a stuck listener or a slow hand-off must not keep the node in the cluster.
    /// Phases without tasks finish at once, so the timeouts only add up over phases that have work.
    /// </summary>
    public static IReadOnlyList<ShutdownPhase> Default { get; } =
    [
        new(BeforeServiceUnbind, DefaultTimeout),
        new(ServiceUnbind, DefaultTimeout),
        new(ServiceRequestsDone, DefaultTimeout),
        new(ServiceStop, DefaultTimeout),
        new(BeforeClusterShutdown, DefaultTimeout),
        new(ClusterShardingShutdownRegion, DefaultTimeout),
        new(ClusterLeave, DefaultTimeout),
        new(ClusterExiting, DefaultTimeout),
        new(ClusterExitingDone, DefaultTimeout),
        new(ClusterShutdown, DefaultTimeout),
        new(BeforeActorSystemTerminate, DefaultTimeout),
        new(ActorSystemTerminate, DefaultTimeout),
    ];
}
