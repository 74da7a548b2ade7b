using Akka.Actor;
using Akka.Cluster;
using Microsoft.Extensions.Logging;
using AkkaCluster = Akka.Cluster.Cluster;

namespace Broker.Cluster.Membership;

/// <summary>
/// Follows this node's view of the membership: tells <see cref="BrokerCluster"/> when a member is up or removed, logs
/// members coming and going, and, while this node is not Up, warns every few seconds that it is still trying to
/// join and why (Akka retries the seeds by itself, quietly).
/// </summary>
internal sealed class MembershipWatcher : ReceiveActor, IWithTimers
{
    private static readonly TimeSpan NotUpWarningInterval = TimeSpan.FromSeconds(5);

    private readonly AkkaCluster _cluster = AkkaCluster.Get(Context.System);
    private readonly Action _selfLeaving;

    public MembershipWatcher(ILogger logger, JoinProgress progress, Action<string> memberRemoved, Action<string> memberUp, Action selfLeaving)
    {
        _selfLeaving = selfLeaving;
        // Leaving, then Exiting: this node leaves gracefully (asked here or at another node), which a downed node never does.
        Receive<ClusterEvent.MemberLeft>(e => Leaving(e.Member));
        Receive<ClusterEvent.MemberExited>(e => Leaving(e.Member));
        Receive<ClusterEvent.MemberUp>(e =>
        {
            logger.LogInformation("Cluster member up: {Node}", e.Member.Address);
            memberUp($"{e.Member.Address.Host}:{e.Member.Address.Port}");
        });
        Receive<ClusterEvent.UnreachableMember>(e => logger.LogWarning("Cluster member unreachable: {Node}", e.Member.Address));
        Receive<ClusterEvent.ReachableMember>(e => logger.LogInformation("Cluster member reachable again: {Node}", e.Member.Address));
        Receive<ClusterEvent.MemberRemoved>(e =>
        {
            logger.LogInformation("Cluster member removed: {Node} (was {Status})", e.Member.Address, e.PreviousStatus);
            memberRemoved(e.Member.Address.ToString());
        });
        Receive<ClusterEvent.IClusterDomainEvent>(_ => { });
        // A downed node is stopping: the host says what it does next (rejoins through another cluster endpoint, or exits).
        Receive<CheckUp>(_ =>
        {
            if (_cluster.SelfMember.Status is not (MemberStatus.Up or MemberStatus.WeaklyUp or MemberStatus.Leaving or MemberStatus.Exiting or MemberStatus.Down))
            {
                logger.LogWarning(
                    "Node {Node} is not yet a cluster member ({Status}); {Progress}",
                    _cluster.SelfAddress, _cluster.SelfMember.Status, progress.Status);
            }
        });
    }

    public ITimerScheduler Timers { get; set; } = null!;

    private void Leaving(Member member)
    {
        if (member.UniqueAddress.Equals(_cluster.SelfUniqueAddress))
        {
            _selfLeaving();
        }
    }

    protected override void PreStart()
    {
        _cluster.Subscribe(Self, ClusterEvent.SubscriptionInitialStateMode.InitialStateAsEvents,
            typeof(ClusterEvent.IMemberEvent), typeof(ClusterEvent.IReachabilityEvent));
        Timers.StartPeriodicTimer(nameof(CheckUp), CheckUp.Instance, NotUpWarningInterval);
    }

    protected override void PostStop() => _cluster.Unsubscribe(Self);

    private sealed class CheckUp
    {
        public static readonly CheckUp Instance = new();
    }
}
