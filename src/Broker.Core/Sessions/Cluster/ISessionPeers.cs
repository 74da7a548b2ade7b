using Broker.Actors;

namespace Broker.Core.Sessions.Cluster;

/// <summary>
/// What the session registry needs of a cluster to keep one live session per client id across nodes (implemented in
/// Broker.Cluster on Akka.Cluster.Sharding and Akka.Remote). The registry's protocol is in
/// <c>SessionRegistry.Cluster.cs</c>; this is its transport.
/// </summary>
public interface ISessionPeers
{
    /// <summary>This node's name, as the other nodes address it.</summary>
    string NodeName { get; }

    /// <summary>
    /// Makes this node the owner of <paramref name="clientId"/>'s session with the client id's owner entity, which
    /// serializes the claims of every node. <paramref name="registry"/> is told <see cref="SessionClaimed"/> with the node that
    /// owned it before (its session must be transferred from there), or <see cref="SessionClaimFailed"/>.
    /// </summary>
    void Claim(string clientId, IActorRef registry);

    /// <summary>
    /// This node holds a session of <paramref name="clientId"/> from before it was in this cluster (it rejoined after being
    /// downed, or restarted from its own storage): it becomes the owner unless another member owns the client id, which
    /// <paramref name="registry"/> is told in <see cref="SessionReclaimed"/>.
    /// </summary>
    void Reclaim(string clientId, IActorRef registry);

    /// <summary>
    /// The stored session <paramref name="persistenceId"/> of <paramref name="clientId"/>, whose node is gone: its owner entity has its own node adopt it
    /// (<see cref="AdoptStoredSession"/>), unless a member owns the client id already.
    /// </summary>
    void Adopt(string clientId, string persistenceId);

    /// <summary>
    /// Every durable session of the removed <paramref name="node"/> has been adopted (or none will be): the durable routes
    /// this node kept for it can go (SessionRegistry.AdoptionEnd.cs).
    /// </summary>
    void AdoptionCompleted(string node);

    /// <summary>
    /// Completes once every reachable node routes <paramref name="filters"/> to this node (true), or a bound passed first
    /// (false: the routes still spread, later).
    /// </summary>
    Task<bool> SpreadRoutesAsync(IReadOnlyList<string> filters);

    /// <summary>Whether the node with this owner key (<see cref="SessionStorage.OwnerKeyOf"/>) is a member that has not been downed.</summary>
    bool IsMember(string ownerKey);

    /// <summary>The session of <paramref name="clientId"/> ended on this node: nobody owns it now.</summary>
    void Release(string clientId);

    /// <summary>Sends a transfer message to the registry of <paramref name="node"/>, which receives it with <see cref="SessionPeerMessage.From"/> set.</summary>
    void Send(string node, SessionPeerMessage message);
}
