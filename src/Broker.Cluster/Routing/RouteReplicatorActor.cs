using Akka.Actor;
using Akka.Cluster;
using Akka.DistributedData;
using Broker.Core.Routing;
using Microsoft.Extensions.Logging;
using static Broker.Cluster.Routing.RouteReplicatorProtocol;
using AkkaCluster = Akka.Cluster.Cluster;

namespace Broker.Cluster.Routing;

/// <summary>
/// This node's side of the replicated route table. It writes this node's routes into the <see cref="RouteKeys"/>
/// (WriteLocal: gossip spreads them, and a route may be seen late but is never lost while this node lives), and it
/// applies the other nodes' routes to the <see cref="RouteTable"/> by diffing each key's new value against what it
/// applied from that key before. Being one actor, it applies each key's changes in order and needs no lock.
/// A removed member's routes leave this node's table at once; the leader also deletes them from the data, on the
/// removal and on a periodic sweep (so a removal the leader missed, or a leader that left, is still cleaned up).
/// </summary>
internal sealed class RouteReplicatorActor : ReceiveActor, IWithTimers
{
    private static readonly TimeSpan SweepInterval = TimeSpan.FromSeconds(10);

    private readonly ILogger _logger;
    private readonly AkkaCluster _cluster = AkkaCluster.Get(Context.System);
    private readonly IActorRef _replicator;
    private readonly UniqueAddress _selfUnique;
    private readonly string _self;

    // Per key: the latest value seen (for the leader's sweep) and the other nodes' elements applied from it.
    private readonly Dictionary<string, ORSet<string>> _latest = new(StringComparer.Ordinal);
    private readonly Dictionary<string, HashSet<string>> _applied = new(StringComparer.Ordinal);

    // Members removed since they last joined: data can still hold their routes until the leader's delete spreads.
    private readonly HashSet<string> _removed = new(StringComparer.Ordinal);

    private RouteTable? _routes;

    public RouteReplicatorActor(ILogger logger)
    {
        _logger = logger;
        var data = DistributedData.Get(Context.System);
        _replicator = data.Replicator;
        _selfUnique = _cluster.SelfUniqueAddress;
        _self = _cluster.SelfAddress.ToString();

        Receive<LocalRouteAdded>(m => Write(m.Filter, add: true));
        Receive<LocalRouteRemoved>(m => Write(m.Filter, add: false));
        Receive<Attach>(OnAttach);
        Receive<Changed>(OnChanged);
        Receive<ClusterEvent.MemberRemoved>(e => OnRemoved(e.Member.Address.ToString()));
        Receive<ClusterEvent.MemberJoined>(e => OnRejoined(e.Member.Address.ToString()));
        Receive<ClusterEvent.MemberUp>(e => OnRejoined(e.Member.Address.ToString()));
        Receive<ClusterEvent.IMemberEvent>(_ => { });
        Receive<ClusterEvent.CurrentClusterState>(_ => { });
        Receive<Sweep>(_ => SweepIfLeader());
        Receive<UpdateSuccess>(_ => { });
        Receive<IUpdateFailure>(f => _logger.LogWarning("Route replication: update of {Key} failed: {Failure}", f.Key, f));
    }

    public ITimerScheduler Timers { get; set; } = null!;

    protected override void PreStart()
    {
        foreach (var key in RouteKeys.All)
        {
            _replicator.Tell(Dsl.Subscribe(key, Self));
        }

        _cluster.Subscribe(Self, ClusterEvent.SubscriptionInitialStateMode.InitialStateAsSnapshot, typeof(ClusterEvent.IMemberEvent));
        Timers.StartPeriodicTimer(nameof(Sweep), Sweep.Instance, SweepInterval);
    }

    protected override void PostStop() => _cluster.Unsubscribe(Self);

    private void Write(string filter, bool add)
    {
        var element = RouteKeys.Element(_self, filter);
        var unique = _selfUnique;
        _replicator.Tell(Dsl.Update(RouteKeys.For(filter), ORSet<string>.Empty, WriteLocal.Instance,
            set => add ? set.Add(unique, element) : set.Remove(unique, element)));
    }

    private void OnAttach(Attach attach)
    {
        _routes = attach.Routes;
        foreach (var element in _applied.Values.SelectMany(applied => applied))
        {
            Apply(element, add: true);
        }
    }

    private void OnChanged(Changed changed)
    {
        if (changed.Key is not ORSetKey<string> key)
        {
            return;
        }

        var set = changed.Get(key);
        _latest[key.Id] = set;
        Diff(key.Id, set);
    }

    private void Diff(string keyId, ORSet<string> set)
    {
        var current = new HashSet<string>(StringComparer.Ordinal);
        foreach (var element in set.Elements)
        {
            if (!RouteKeys.IsOwnedBy(element, _self) && !_removed.Contains(RouteKeys.Parse(element).Node))
            {
                current.Add(element);
            }
        }

        var applied = _applied.TryGetValue(keyId, out var before) ? before : [];
        foreach (var element in applied)
        {
            if (!current.Contains(element))
            {
                Apply(element, add: false);
            }
        }

        foreach (var element in current)
        {
            if (!applied.Contains(element))
            {
                Apply(element, add: true);
            }
        }

        _applied[keyId] = current;
    }

    /// <summary>
    /// A node at a removed member's address is back (restarted): its routes count again. They may have arrived while
    /// the address was still marked removed, and were skipped then, so every key is compared again.
    /// </summary>
    private void OnRejoined(string node)
    {
        if (!_removed.Remove(node))
        {
            return;
        }

        foreach (var (id, set) in _latest)
        {
            Diff(id, set);
        }
    }

    private void OnRemoved(string node)
    {
        if (node == _self)
        {
            return;
        }

        _removed.Add(node);
        foreach (var applied in _applied.Values)
        {
            applied.RemoveWhere(element =>
            {
                if (!RouteKeys.IsOwnedBy(element, node))
                {
                    return false;
                }

                Apply(element, add: false);
                return true;
            });
        }

        SweepIfLeader();
    }

    /// <summary>The leader deletes from the data every route whose node is no longer a member.</summary>
    private void SweepIfLeader()
    {
        var state = _cluster.State;
        if (state.Leader is null || !state.Leader.Equals(_cluster.SelfAddress))
        {
            return;
        }

        var members = state.Members.Select(m => m.Address.ToString()).ToHashSet(StringComparer.Ordinal);
        var unique = _selfUnique;
        foreach (var (id, set) in _latest)
        {
            var stale = set.Elements.Where(e => !members.Contains(RouteKeys.Parse(e).Node)).ToArray();
            if (stale.Length == 0)
            {
                continue;
            }

            _logger.LogInformation("Route replication: deleting {Count} routes of departed nodes from {Key}", stale.Length, id);
            _replicator.Tell(Dsl.Update(new ORSetKey<string>(id), ORSet<string>.Empty, WriteLocal.Instance,
                current => stale.Aggregate(current, (acc, element) => acc.Remove(unique, element))));
        }
    }

    private void Apply(string element, bool add)
    {
        if (_routes is null)
        {
            return;
        }

        var (node, filter) = RouteKeys.Parse(element);
        if (add)
        {
            _routes.AddRemoteRoute(filter, node);
        }
        else
        {
            _routes.RemoveRemoteRoute(filter, node);
        }
    }
}
