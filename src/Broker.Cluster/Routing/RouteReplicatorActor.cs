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
/// applies the other nodes' routes to the <see cref="RouteTable"/> by diffing each key's routes against what it
/// applied from that key before. Being one actor, it applies each key's changes in order and needs no lock.
/// Elements carry the writer's incarnation (<see cref="RouteKeys.Incarnation"/>): those of a removed member, or of a
/// former incarnation of this node, are skipped at once; the leader also deletes every element whose incarnation is
/// no longer a member, on a removal and on a periodic sweep (so a removal the leader missed, or a leader that left, is
/// still cleaned up). A node restarted at its address is a new incarnation, so that deletion never touches its routes.
/// A removed member's durable routes (<see cref="DurableRoute"/>) stay in the table until this node's registry says its
/// sessions are all adopted (<see cref="AdoptionCompleted"/>): a publish that waits for storage is held for them
/// meanwhile, then failed, rather than finding nobody and being acknowledged.
/// </summary>
internal sealed class RouteReplicatorActor : ReceiveActor, IWithTimers
{
    private static readonly TimeSpan SweepInterval = TimeSpan.FromSeconds(10);

    private readonly ILogger _logger;
    private readonly AkkaCluster _cluster = AkkaCluster.Get(Context.System);
    private readonly IActorRef _replicator;
    private readonly UniqueAddress _selfUnique;
    private readonly string _selfAddress;
    private readonly string _selfIncarnation;

    // Per key: the latest value seen (for the sweeps) and the other nodes' routes ("address \0 filter") applied from it.
    private readonly Dictionary<string, ORSet<string>> _latest = new(StringComparer.Ordinal);
    private readonly Dictionary<string, HashSet<string>> _applied = new(StringComparer.Ordinal);

    // Incarnations removed from the cluster whose elements the data may still hold until the leader's delete spreads.
    private readonly HashSet<string> _removed = new(StringComparer.Ordinal);

    /// <summary>The last resort for routes kept for adoption if the registry never says it is over: far beyond its own bound.</summary>
    private static readonly TimeSpan AdoptionKeepBound = TimeSpan.FromMinutes(15);

    // Per removed address, its durable routes kept until its sessions are adopted, and since when.
    private readonly Dictionary<string, (HashSet<string> Routes, DateTime Since)> _adopting = new(StringComparer.Ordinal);
    private string? _removing;

    private RouteTable? _routes;

    public RouteReplicatorActor(ILogger logger)
    {
        _logger = logger;
        var data = DistributedData.Get(Context.System);
        _replicator = data.Replicator;
        _selfUnique = _cluster.SelfUniqueAddress;
        _selfAddress = _cluster.SelfAddress.ToString();
        _selfIncarnation = RouteKeys.Incarnation(_selfUnique);

        Receive<LocalRouteAdded>(m => Write(m.Filter, add: true));
        Receive<LocalRouteRemoved>(m => Write(m.Filter, add: false));
        Receive<Attach>(OnAttach);
        Receive<Spread>(m => _replicator.Forward(Dsl.Update(RouteKeys.For(m.Filter), ORSet<string>.Empty, new WriteAll(m.Timeout), set => set)));
        Receive<Changed>(OnChanged);
        Receive<ClusterEvent.MemberRemoved>(e => OnRemoved(e.Member.UniqueAddress));
        Receive<AdoptionCompleted>(m => OnAdoptionCompleted(m.Node));
        Receive<ClusterEvent.IMemberEvent>(_ => { });
        Receive<ClusterEvent.CurrentClusterState>(_ => { });
        Receive<Sweep>(_ => OnSweep());
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

    /// <summary>
    /// The cluster ended (this node left, was downed, or stops): the other nodes' routes it applied go from the table,
    /// which may outlive it and be given to the next cluster a rejoining node starts, whose replicator applies them anew.
    /// </summary>
    protected override void PostStop()
    {
        _cluster.Unsubscribe(Self);
        if (_routes is null)
        {
            return;
        }

        foreach (var route in _applied.Values.SelectMany(applied => applied).Concat(_adopting.Values.SelectMany(kept => kept.Routes)))
        {
            Apply(route, add: false);
        }

        _applied.Clear();
        _adopting.Clear();
    }

    private void Write(string filter, bool add)
    {
        var element = RouteKeys.Element(_selfIncarnation, filter);
        var unique = _selfUnique;
        _replicator.Tell(Dsl.Update(RouteKeys.For(filter), ORSet<string>.Empty, WriteLocal.Instance,
            set => add ? set.Add(unique, element) : set.Remove(unique, element)));
    }

    private void OnAttach(Attach attach)
    {
        _routes = attach.Routes;
        foreach (var route in _applied.Values.SelectMany(applied => applied))
        {
            Apply(route, add: true);
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

    /// <summary>
    /// Two live incarnations of one address can both hold a filter for a moment (the former one not yet removed): the
    /// routes are compared as sets of "address \0 filter", so the table sees the route once, and keeps it while either has it.
    /// </summary>
    private void Diff(string keyId, ORSet<string> set)
    {
        var current = new HashSet<string>(StringComparer.Ordinal);
        foreach (var element in set.Elements)
        {
            if (!RouteKeys.IsAtAddress(element, _selfAddress) && !_removed.Contains(RouteKeys.IncarnationOf(element)))
            {
                current.Add(RouteKeys.Route(element));
            }
        }

        var applied = _applied.TryGetValue(keyId, out var before) ? before : [];
        foreach (var route in applied)
        {
            if (!current.Contains(route) && !KeptForAdoption(route))
            {
                Apply(route, add: false);
            }
        }

        foreach (var route in current)
        {
            if (!applied.Contains(route))
            {
                Apply(route, add: true);
            }
        }

        _applied[keyId] = current;
    }

    private void OnRemoved(UniqueAddress member)
    {
        if (member.Equals(_selfUnique))
        {
            return;
        }

        _removed.Add(RouteKeys.Incarnation(member));
        _removing = member.Address.ToString();
        foreach (var (id, set) in _latest)
        {
            Diff(id, set);
        }

        _removing = null;
        SweepIfLeader();
    }

    /// <summary>While a member's removal is applied, its durable routes are kept, as they are, until its sessions are adopted.</summary>
    private bool KeptForAdoption(string route)
    {
        if (_removing is null)
        {
            return false;
        }

        var (node, filter) = RouteKeys.Parse(route);
        if (node != _removing || !DurableRoute.TryParse(filter, out _))
        {
            return false;
        }

        if (!_adopting.TryGetValue(node, out var kept))
        {
            kept = (new HashSet<string>(StringComparer.Ordinal), DateTime.UtcNow);
            _adopting[node] = kept;
        }

        kept.Routes.Add(route);
        return true;
    }

    /// <summary>The kept routes go, but one that a new incarnation at the same address has written meanwhile.</summary>
    private void OnAdoptionCompleted(string node)
    {
        if (!_adopting.Remove(node, out var kept))
        {
            return;
        }

        foreach (var route in kept.Routes)
        {
            if (!_applied.Values.Any(applied => applied.Contains(route)))
            {
                Apply(route, add: false);
            }
        }

        _logger.LogInformation("Route replication: the {Count} durable routes of removed node {Node} kept while its sessions were adopted are gone", kept.Routes.Count, node);
    }

    private void OnSweep()
    {
        SweepIfLeader();
        foreach (var (node, _) in _adopting.Where(a => DateTime.UtcNow - a.Value.Since > AdoptionKeepBound).ToArray())
        {
            _logger.LogWarning("Route replication: nobody said the sessions of removed node {Node} were adopted within {Bound}; its durable routes go", node, AdoptionKeepBound);
            OnAdoptionCompleted(node);
        }

        // Once the leader's delete has spread, a removed incarnation is in no key: forget it, so the set stays small.
        var present = _latest.Values.SelectMany(set => set.Elements).Select(RouteKeys.IncarnationOf).ToHashSet(StringComparer.Ordinal);
        _removed.IntersectWith(present);
    }

    /// <summary>The leader deletes from the data every element whose incarnation is no longer a member.</summary>
    private void SweepIfLeader()
    {
        var state = _cluster.State;
        if (state.Leader is null || !state.Leader.Equals(_cluster.SelfAddress))
        {
            return;
        }

        var members = state.Members.Select(m => RouteKeys.Incarnation(m.UniqueAddress)).ToHashSet(StringComparer.Ordinal);
        var unique = _selfUnique;
        foreach (var (id, set) in _latest)
        {
            var stale = set.Elements.Where(e => !members.Contains(RouteKeys.IncarnationOf(e))).ToArray();
            if (stale.Length == 0)
            {
                continue;
            }

            _logger.LogInformation("Route replication: deleting {Count} routes of departed nodes from {Key}", stale.Length, id);
            _replicator.Tell(Dsl.Update(new ORSetKey<string>(id), ORSet<string>.Empty, WriteLocal.Instance,
                current => stale.Aggregate(current, (acc, element) => acc.Remove(unique, element))));
        }
    }

    private void Apply(string route, bool add)
    {
        if (_routes is null)
        {
            return;
        }

        var (node, filter) = RouteKeys.Parse(route);
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
