namespace Broker.Core.Sessions.Cluster;

/// <summary>
/// A step of moving one session between the registries of two nodes. <paramref name="TransferId"/> names one move, so a
/// late message of an earlier move is never taken for this one. <see cref="From"/> is the sending node, set by the
/// receiving side's transport.
/// <code>
///  new owner                                 old owner
///  TransferRequest ────────────────────────▶ its session closes the connection (0x8E), snapshots its state,
///                  ◀──────────────────────── TransferReply (the snapshot, or none)
///  session made from the snapshot,             and goes on receiving what is routed to it, forwarding each:
///  its routes written to every node  ◀──────── TransferPending (one delivery; the new session drops one it already had)
///  TransferStored  ────────────────────────▶ (a forwarded delivery whose publisher waits for storage is committed here)
///  TransferResumed ────────────────────────▶ after a grace for messages already on their way, and once every forwarded
///                                            delivery is answered: ends, leaves the router
///                  ◀──────────────────────── TransferDone (the new session stops looking for duplicates)
/// </code>
/// </summary>
public abstract record SessionPeerMessage(string ClientId, long TransferId)
{
    public string From { get; init; } = "";
}

/// <summary>New owner to old: hand the session over (or, with <paramref name="CleanStart"/>, end it and hand nothing).</summary>
public sealed record TransferRequest(string ClientId, long TransferId, bool CleanStart) : SessionPeerMessage(ClientId, TransferId);

/// <summary>Old owner to new: the session's state, serialized as the journal's snapshot; null when it had none to give.</summary>
public sealed record TransferReply(string ClientId, long TransferId, byte[]? Snapshot) : SessionPeerMessage(ClientId, TransferId);

/// <summary>
/// Old owner to new: a message routed to the old session after its snapshot, serialized as the journal's stored message.
/// <paramref name="Seq"/> is non-zero when its publisher waits for it to be stored (sync durability): the new side answers
/// <see cref="TransferStored"/> with it once its effect is committed there.
/// </summary>
public sealed record TransferPending(string ClientId, long TransferId, byte[] Delivery, long Seq = 0) : SessionPeerMessage(ClientId, TransferId);

/// <summary>New owner to old: the forwarded delivery <paramref name="Seq"/> is committed here (or could not be): its publisher may be answered.</summary>
public sealed record TransferStored(string ClientId, long TransferId, long Seq, bool Failed) : SessionPeerMessage(ClientId, TransferId);

/// <summary>
/// New owner to old: the session serves here. <paramref name="Filters"/> are its subscriptions: the transport delivers
/// this message once every node routes them to the new owner (or its bound ran out), so the old session stops
/// forwarding only when nothing new can reach it.
/// </summary>
public sealed record TransferResumed(string ClientId, long TransferId, IReadOnlyList<string> Filters) : SessionPeerMessage(ClientId, TransferId);

/// <summary>Old owner to new: nothing more comes from the old session.</summary>
public sealed record TransferDone(string ClientId, long TransferId) : SessionPeerMessage(ClientId, TransferId);
