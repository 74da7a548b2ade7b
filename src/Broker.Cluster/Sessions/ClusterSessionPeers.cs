using Akka.Actor;
using Broker.Core.Sessions.Cluster;
using OurActorRef = Broker.Actors.IActorRef;

namespace Broker.Cluster.Sessions;

/// <summary>
/// The session registry's <see cref="ISessionPeers"/> in a cluster: claims go to the client id's <see cref="SessionOwner"/>
/// through the shard region, moves to the other node's <see cref="SessionPeerBridge"/> over Akka.Remote. Give it to the
/// registry (<see cref="AttachSessionPeers"/>) after <see cref="Attach"/>.
/// </summary>
public sealed class ClusterSessionPeers : ISessionPeers
{
    /// <summary>
    /// A claim unanswered for this long (stable_after plus 15 s) refuses its CONNECTs (Server unavailable). It covers the
    /// longest wait a claim has: an owner whose node became unreachable is waited for until the split brain resolver
    /// removed it (failure detection plus <c>stable_after</c>), or the shard of the owner moved off a node that died.
    /// </summary>
    private readonly TimeSpan _claimTimeout;

    /// <summary>How long a moved session waits for its routes to reach every node before the old node is told it serves.</summary>
    internal static readonly TimeSpan SpreadTimeout = TimeSpan.FromSeconds(3);

    private static readonly TimeSpan RouteApplyMargin = TimeSpan.FromMilliseconds(100);

    private readonly ActorSystem _system;
    private readonly IActorRef _region;
    private readonly IActorRef _bridge;
    private readonly ClusterRouteReplicator _routes;
    private readonly ClusterForwarder _forwarder;

    // From a replica's write to its node's route table: the notify interval of distributed data, and the replicator's turn.
    private readonly TimeSpan _routesApplied;

    internal ClusterSessionPeers(ActorSystem system, IActorRef region, IActorRef bridge, ClusterRouteReplicator routes, ClusterForwarder forwarder, string nodeName, TimeSpan stableAfter)
    {
        _claimTimeout = stableAfter + TimeSpan.FromSeconds(15);
        _system = system;
        _region = region;
        _bridge = bridge;
        _routes = routes;
        _forwarder = forwarder;
        _routesApplied = system.Settings.Config.GetTimeSpan("akka.cluster.distributed-data.notify-subscribers-interval", TimeSpan.FromMilliseconds(500))
            + RouteApplyMargin;
        NodeName = nodeName;
    }

    public string NodeName { get; }

    /// <summary>Where moves and questions from other nodes go from now on: this node's session registry.</summary>
    public void Attach(OurActorRef registry)
    {
        ArgumentNullException.ThrowIfNull(registry);
        _bridge.Tell(new SessionPeerBridge.Attach(registry));
    }

    public void Claim(string clientId, OurActorRef registry)
    {
        _region.Ask<OwnerGranted>(new ClaimOwner(clientId, NodeName), _claimTimeout).ContinueWith(
            t => registry.Tell(t.IsCompletedSuccessfully
                ? new SessionClaimed(clientId, t.Result.PreviousNode, t.Result.MayBeStored)
                : new SessionClaimFailed(clientId, t.Exception?.GetBaseException().Message ?? "timed out")),
            TaskScheduler.Default);
    }

    public void Reclaim(string clientId, OurActorRef registry)
    {
        _region.Ask<OwnerGranted>(new ReclaimOwner(clientId, NodeName), _claimTimeout).ContinueWith(
            t => registry.Tell(new SessionReclaimed(clientId, t.IsCompletedSuccessfully ? t.Result.PreviousNode : null)),
            TaskScheduler.Default);
    }

    /// <summary>
    /// Written to every node's replica (WriteAll), then one notify interval of distributed data waited for: a replica
    /// tells the route replicator of its node about changes once per interval, so only then do the route tables there
    /// have them. A moved session does not wait for that (<see cref="Send"/>): its old node forwards meanwhile.
    /// </summary>
    public async Task<bool> SpreadRoutesAsync(IReadOnlyList<string> filters)
    {
        if (!await _routes.SpreadAsync(filters, SpreadTimeout).ConfigureAwait(false))
        {
            return false;
        }

        await Task.Delay(_routesApplied).ConfigureAwait(false);
        return true;
    }

    public void Adopt(string clientId, string persistenceId) => _region.Tell(new AdoptOwner(clientId, persistenceId));

    public void AdoptionCompleted(string node)
    {
        _routes.AdoptionCompleted(node);
        _forwarder.Adopted(node);
    }

    public bool IsMember(string ownerKey)
    {
        foreach (var member in Akka.Cluster.Cluster.Get(_system).State.Members)
        {
            if (member.Status is not (Akka.Cluster.MemberStatus.Down or Akka.Cluster.MemberStatus.Removed)
                && Broker.Core.Sessions.SessionStorage.OwnerKeyOf(member.Address.ToString()) == ownerKey)
            {
                return true;
            }
        }

        return false;
    }

    public void Release(string clientId) => _region.Tell(new ReleaseOwner(clientId, NodeName));

    public void Send(string node, SessionPeerMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        var stamped = message with { From = NodeName };
        if (stamped is TransferResumed { Filters.Count: > 0 } resumed)
        {
            _routes.SpreadAsync(resumed.Filters, SpreadTimeout).ContinueWith(_ => SendNow(node, stamped), TaskScheduler.Default);
            return;
        }

        SendNow(node, stamped);
    }

    private void SendNow(string node, SessionPeerMessage message) =>
        _system.ActorSelection($"{node}/user/{SessionPeerBridge.Name}").Tell(message, _bridge);
}
