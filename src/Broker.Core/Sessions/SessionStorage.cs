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
public sealed record SessionStorage(SessionDurability Durability)
{
    public static readonly SessionStorage None = new(SessionDurability.None);

    public bool IsEnabled => Durability != SessionDurability.None;

    /// <summary>
    /// The journal id of one incarnation of a client id's session: <c>session/&lt;client id&gt;/&lt;incarnation&gt;</c>.
    /// A new session (Clean Start, or the first) gets a new incarnation, so it never meets the rows of an
    /// earlier one whose deletion did not finish; after a restart the newest incarnation of each client id wins.
    /// Incarnations are version 7 GUIDs: they sort in the order they were made.
    /// </summary>
    public static string NewPersistenceId(string clientId) => $"{PersistenceIdPrefix}{clientId}/{Guid.CreateVersion7():N}";

    public const string PersistenceIdPrefix = "session/";

    /// <summary>The client id and incarnation of a stored session's id; false for an id this broker did not make.</summary>
    public static bool TryParsePersistenceId(string persistenceId, out string clientId, out string incarnation)
    {
        clientId = incarnation = "";
        var last = persistenceId.LastIndexOf('/');
        if (!persistenceId.StartsWith(PersistenceIdPrefix, StringComparison.Ordinal) || last < PersistenceIdPrefix.Length || last == persistenceId.Length - 1)
        {
            return false;
        }

        clientId = persistenceId[PersistenceIdPrefix.Length..last];
        incarnation = persistenceId[(last + 1)..];
        return true;
    }
}
