namespace Broker.Core.Sessions;

/// <summary>When a QoS 1/2 message that a durable session keeps is acknowledged to its publisher (<c>persistence.durability</c>).</summary>
public enum SessionDurability : byte
{
    /// <summary>Memory only: a restart loses every session.</summary>
    None,

    /// <summary>At once; storage commits every <c>periodic_interval</c>, so a crash loses at most that window.</summary>
    Periodic,

    /// <summary>After the message's effect on every durable session (and the retained store) is committed.</summary>
    Sync,
}

/// <summary>How sessions use storage; <see cref="None"/> when persistence is off (no store is installed then).</summary>
/// <param name="Owner">
/// This node's key in the ids of the sessions it stores (<see cref="OwnerKeyOf"/>), in a cluster; null on a node alone.
/// </param>
/// <param name="Shared">
/// The storage is shared by the nodes of a cluster (PostgreSQL): a node starts only the sessions it owns, and those of a
/// node removed from the cluster are adopted by the others (SessionRegistry.Adoption.cs).
/// </param>
public sealed record SessionStorage(SessionDurability Durability, string? Owner = null, bool Shared = false)
{
    public static readonly SessionStorage None = new(SessionDurability.None);

    public bool IsEnabled => Durability != SessionDurability.None;

    /// <summary>
    /// The journal id of one incarnation of a client id's session: <c>session/&lt;client id&gt;/&lt;incarnation&gt;</c>, the
    /// incarnation prefixed with the owner's key in a cluster (<c>&lt;host:port&gt;~</c>). A new session (Clean Start, the
    /// first, or one moved or adopted here) gets a new incarnation, so it never meets the rows of an earlier one whose
    /// deletion did not finish; after a restart the newest incarnation of each client id wins. Incarnations are version 7
    /// GUIDs: they sort in the order they were made.
    /// </summary>
    public string NewPersistenceId(string clientId) => NewPersistenceId(clientId, Owner);

    public static string NewPersistenceId(string clientId, string? owner = null) =>
        $"{PersistenceIdPrefix}{clientId}/{(owner is null ? "" : owner + OwnerSeparator)}{Guid.CreateVersion7():N}";

    public const string PersistenceIdPrefix = "session/";

    private const char OwnerSeparator = '~';

    /// <summary>A node's key in session ids: the host and port of its cluster address ("akka.tcp://plant@10.0.0.5:4370" gives "10.0.0.5:4370").</summary>
    public static string OwnerKeyOf(string nodeName)
    {
        ArgumentNullException.ThrowIfNull(nodeName);
        return nodeName[(nodeName.LastIndexOf('@') + 1)..];
    }

    /// <summary>The client id and incarnation of a stored session's id; false for an id this broker did not make.</summary>
    public static bool TryParsePersistenceId(string persistenceId, out string clientId, out string incarnation) =>
        TryParsePersistenceId(persistenceId, out clientId, out incarnation, out _);

    /// <param name="owner">The key of the node that stored it; null for an id made on a node alone.</param>
    public static bool TryParsePersistenceId(string persistenceId, out string clientId, out string incarnation, out string? owner)
    {
        clientId = incarnation = "";
        owner = null;
        var last = persistenceId.LastIndexOf('/');
        if (!persistenceId.StartsWith(PersistenceIdPrefix, StringComparison.Ordinal) || last < PersistenceIdPrefix.Length || last == persistenceId.Length - 1)
        {
            return false;
        }

        clientId = persistenceId[PersistenceIdPrefix.Length..last];
        incarnation = persistenceId[(last + 1)..];
        var separator = incarnation.LastIndexOf(OwnerSeparator);
        if (separator >= 0)
        {
            owner = incarnation[..separator];
            incarnation = incarnation[(separator + 1)..];
        }

        return true;
    }

    /// <summary>
    /// Whether this node starts a stored session of <paramref name="owner"/> at its own start: its own, or any in storage
    /// of its own; one without an owner was stored by a broker of before clusters, alone on its storage.
    /// </summary>
    public bool StartsAtStart(string? owner) => !Shared || owner is null || owner == Owner;
}
