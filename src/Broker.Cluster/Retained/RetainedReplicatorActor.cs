using Akka.Actor;
using Akka.Cluster;
using Broker.Core.Retained;
using Microsoft.Extensions.Logging;
using static Broker.Cluster.Retained.RetainedReplicationProtocol;
using AkkaCluster = Akka.Cluster.Cluster;

namespace Broker.Cluster.Retained;

/// <summary>
/// This node's side of the replicated retained messages (<c>/user/broker-retained</c> on every node):
/// <list type="bullet">
/// <item>a change made here goes to every other member (Joining, WeaklyUp, Up, Leaving or Exiting: a node that is
/// joining already gets what changes while it asks for its snapshot), once each, over Akka.Remote;</item>
/// <item>a change from another node goes to the <see cref="Retainer"/>, which keeps it when it is the newer
/// (<see cref="Retainer.ApplyRemote"/>); until the retainer is attached (loaded from storage) they wait here;</item>
/// <item>a member that asks for a snapshot gets one from a <see cref="SnapshotSender"/>;</item>
/// <item>on joining, this node asks one Up member for its snapshot (<c>RetainedReplicatorActor.Transfers.cs</c>).</item>
/// </list>
/// Being one actor, it needs no lock of its own; the retainer takes its own.
/// </summary>
internal sealed partial class RetainedReplicatorActor : ReceiveActor, IWithTimers, IWithUnboundedStash
{
    public const string Name = "broker-retained";

    private readonly ILogger _logger;
    private readonly AkkaCluster _cluster = AkkaCluster.Get(Context.System);
    private readonly int _chunkBytes;
    private readonly TimeSpan _tombstoneRetention;
    private readonly TaskCompletionSource _synchronized;

    // The other members, by address, as last seen; and the reference of each one's replicator, made once from its path.
    private readonly Dictionary<Address, Member> _members = [];
    private readonly Dictionary<Address, IActorRef> _peers = [];
    private readonly Queue<RetainedChange> _waiting = new();

    private Retainer? _retainer;
    private bool _selfUp;

    public RetainedReplicatorActor(ILogger logger, int chunkBytes, TimeSpan tombstoneRetention, TaskCompletionSource synchronized)
    {
        _logger = logger;
        _chunkBytes = chunkBytes;
        _tombstoneRetention = tombstoneRetention;
        _synchronized = synchronized;

        Receive<Attach>(OnAttach);
        Receive<LocalChange>(change => Broadcast(change.Change));
        Receive<Replicated>(OnReplicated);
        Receive<GetSnapshot>(OnGetSnapshot);
        Receive<SnapshotChunk>(OnChunk);
        Receive<TransferTimedOut>(OnTransferTimedOut);
        Receive<ChooseSource>(_ => OnChooseSource());
        Receive<ClusterEvent.CurrentClusterState>(OnClusterState);
        Receive<ClusterEvent.MemberRemoved>(e => OnGone(e.Member));
        Receive<ClusterEvent.MemberDowned>(e => OnGone(e.Member));
        Receive<ClusterEvent.IMemberEvent>(e => OnMember(e.Member));
        Receive<ClusterEvent.ReachableMember>(e => OnReachableAgain(e.Member));
        Receive<ClusterEvent.IReachabilityEvent>(_ => { });
    }

    public ITimerScheduler Timers { get; set; } = null!;

    public IStash Stash { get; set; } = null!;

    protected override void PreStart() =>
        _cluster.Subscribe(Self, ClusterEvent.SubscriptionInitialStateMode.InitialStateAsSnapshot,
            typeof(ClusterEvent.IMemberEvent), typeof(ClusterEvent.IReachabilityEvent));

    protected override void PostStop() => _cluster.Unsubscribe(Self);

    private void OnAttach(Attach attach)
    {
        _retainer = attach.Retainer;
        while (_waiting.TryDequeue(out var change))
        {
            Apply(change);
        }

        Stash.UnstashAll();
        MaybeStartJoinTransfer();
    }

    private void Broadcast(RetainedChange change)
    {
        var replicated = new Replicated(change);
        foreach (var address in _members.Keys)
        {
            Peer(address).Tell(replicated, Self);
        }
    }

    private void Apply(RetainedChange change)
    {
        if (_retainer is null)
        {
            _waiting.Enqueue(change);
            return;
        }

        try
        {
            _retainer.ApplyRemote(change);
        }
        catch (ArgumentException e)
        {
            // One change the retainer refuses must not restart the actor and lose what waits.
            _logger.LogWarning("Retained replication: change of {Topic} refused: {Reason}", change.Topic, e.Message);
        }
    }

    /// <summary>
    /// A member asks for everything this node knows. Before the retainer is loaded this node would send an incomplete
    /// snapshot as if it were all, so the request waits until then.
    /// </summary>
    private void OnGetSnapshot(GetSnapshot get)
    {
        if (_retainer is null)
        {
            Stash.Stash();
            return;
        }

        var changes = _retainer.Snapshot();
        _logger.LogInformation("Retained replication: sending {Count} retained changes to {Node}", changes.Count, Sender.Path.Address);
        Context.ActorOf(Props.Create(() => new SnapshotSender(Sender, get.RequestId, changes, _chunkBytes)));
    }

    private void OnClusterState(ClusterEvent.CurrentClusterState state)
    {
        foreach (var member in state.Members)
        {
            OnMember(member);
        }
    }

    private void OnMember(Member member)
    {
        if (member.Address.Equals(_cluster.SelfAddress))
        {
            if (member.Status == MemberStatus.Up && !_selfUp)
            {
                _selfUp = true;
                MaybeStartJoinTransfer();
            }

            return;
        }

        if (member.Status is MemberStatus.Down or MemberStatus.Removed)
        {
            OnGone(member);
            return;
        }

        _members[member.Address] = member;
    }

    private void OnGone(Member member)
    {
        _members.Remove(member.Address);
        _peers.Remove(member.Address);
    }

    private IActorRef Peer(Address address)
    {
        if (!_peers.TryGetValue(address, out var peer))
        {
            peer = ((ExtendedActorSystem)Context.System).Provider.ResolveActorRef($"{address}/user/{Name}");
            _peers[address] = peer;
        }

        return peer;
    }
}
