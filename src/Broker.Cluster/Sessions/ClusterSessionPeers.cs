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
    /// <summary>A claim unanswered for this long (the owner's shard is moving, the cluster lost its coordinator) refuses its CONNECTs.</summary>
    internal static readonly TimeSpan ClaimTimeout = TimeSpan.FromSeconds(10);

    /// <summary>How long a moved session waits for its routes to reach every node before the old node is told it serves.</summary>
    internal static readonly TimeSpan SpreadTimeout = TimeSpan.FromSeconds(3);

    private readonly ActorSystem _system;
    private readonly IActorRef _region;
    private readonly IActorRef _bridge;
    private readonly ClusterRouteReplicator _routes;

    internal ClusterSessionPeers(ActorSystem system, IActorRef region, IActorRef bridge, ClusterRouteReplicator routes, string nodeName)
    {
        _system = system;
        _region = region;
        _bridge = bridge;
        _routes = routes;
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
        _region.Ask<OwnerGranted>(new ClaimOwner(clientId, NodeName), ClaimTimeout).ContinueWith(
            t => registry.Tell(t.IsCompletedSuccessfully
                ? new SessionClaimed(clientId, t.Result.PreviousNode)
                : new SessionClaimFailed(clientId, t.Exception?.GetBaseException().Message ?? "timed out")),
            TaskScheduler.Default);
    }

    public void Reclaim(string clientId, OurActorRef registry)
    {
        _region.Ask<OwnerGranted>(new ReclaimOwner(clientId, NodeName), ClaimTimeout).ContinueWith(
            t => registry.Tell(new SessionReclaimed(clientId, t.IsCompletedSuccessfully ? t.Result.PreviousNode : null, t.IsCompletedSuccessfully)),
            TaskScheduler.Default);
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
