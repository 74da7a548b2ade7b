namespace Broker.Cluster.Sessions;

// Messages of the client ids' owner entities (SessionOwner), sharded by client id. Immutable; serialized by
// SessionSerializer.

internal interface IOwnerMessage
{
    string ClientId { get; }
}

/// <summary>A node's registry claims the client id for <paramref name="Node"/>; answered with <see cref="OwnerGranted"/>.</summary>
internal sealed record ClaimOwner(string ClientId, string Node) : IOwnerMessage;

/// <summary>
/// <paramref name="Node"/> holds a session of the client id from before it was out of the cluster (it rejoined, or
/// restarted from its own storage): it keeps it only if no other member owns the client id; answered with
/// <see cref="OwnerGranted"/> naming the other owner, if any.
/// </summary>
internal sealed record ReclaimOwner(string ClientId, string Node) : IOwnerMessage;

/// <summary>The session of the client id ended on <paramref name="Node"/>.</summary>
internal sealed record ReleaseOwner(string ClientId, string Node) : IOwnerMessage;

/// <summary>
/// The claim is granted; <paramref name="PreviousNode"/> owned the session until now (null: nobody else).
/// <paramref name="MayBeStored"/>: nobody live had it, but a node that is gone may have stored it.
/// </summary>
internal sealed record OwnerGranted(string ClientId, string? PreviousNode, bool MayBeStored = false);

/// <summary>A stored session of the client id whose node is gone: the entity's own node adopts it unless a member owns the client id.</summary>
internal sealed record AdoptOwner(string ClientId, string PersistenceId) : IOwnerMessage;

/// <summary>An owner entity that has just started asks every node's session bridge whether it holds the client id's session.</summary>
internal sealed record WhoHas(string ClientId);

/// <summary>A node's answer to <see cref="WhoHas"/>, naming itself (a local sender's address has no host).</summary>
internal sealed record Has(string ClientId, bool Held, string Node);
