namespace Broker.Core.Sessions.Cluster;

// What the cluster tells the session registry about the ownership of client ids. Immutable.

/// <summary>To the registry: give this node's session transport to the cluster; from now on every CONNECT claims its client id first.</summary>
public sealed record AttachSessionPeers(ISessionPeers Peers);

/// <summary>To the registry: the cluster is gone (this node was downed or left): client ids are again this node's alone.</summary>
public sealed record DetachSessionPeers(ISessionPeers Peers);

/// <summary>
/// The claim of <paramref name="ClientId"/> for this node is granted. <paramref name="PreviousNode"/>: the other node that
/// owned the session until now, whose session is transferred here; null when no other node has one.
/// <paramref name="MayBeStored"/>: the owner knew of no live session, but a node that is gone may have stored one (the
/// owner entity had just started, or the node that owned it was removed): in storage shared by the cluster it is adopted.
/// </summary>
public sealed record SessionClaimed(string ClientId, string? PreviousNode, bool MayBeStored = false);

/// <summary>
/// The answer to <see cref="ISessionPeers.Reclaim"/>: <paramref name="OwnedBy"/> names the other node whose session is the
/// client id's (this node's is dropped); null when this node's stays, or when the owner could not be reached (then a
/// CONNECT of the client settles it).
/// </summary>
public sealed record SessionReclaimed(string ClientId, string? OwnedBy);

/// <summary>The client id's owner could not be reached in time; the connections waiting for it are refused (Server unavailable).</summary>
public sealed record SessionClaimFailed(string ClientId, string Reason);

/// <summary>
/// From a client id's owner entity that has just started (first use, or its node left, or it was passivated): does this
/// node hold a live session for the client id? Answered to the sender with <see cref="SessionHeld"/>.
/// </summary>
public sealed record HoldsSession(string ClientId);

/// <summary>The answer to <see cref="HoldsSession"/>.</summary>
public sealed record SessionHeld(string ClientId, bool Held);

/// <summary>
/// To the registry: <paramref name="Node"/> was removed from the cluster. In storage shared by the cluster, every durable
/// session it stored is offered to its client id's owner entity, whose node adopts it (<see cref="AdoptStoredSession"/>)
/// unless the client has connected elsewhere meanwhile.
/// </summary>
public sealed record AdoptSessionsOf(string Node);

/// <summary>From the client id's owner entity: this node now owns the client id; start its stored session of a node that is gone.</summary>
/// <param name="PersistenceId">The stored session's id, as the removed node's listing found it: adopted without looking it up again.</param>
public sealed record AdoptStoredSession(string ClientId, string PersistenceId);
