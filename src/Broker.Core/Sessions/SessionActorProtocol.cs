using Broker.Actors;

namespace Broker.Core.Sessions;

// Messages between the session registry and its session actors (the connection's side is in
// SessionProtocol.cs). Immutable.

/// <summary>
/// Registry to session: serve this connection. The session sends the CONNACK with
/// <paramref name="SessionPresent"/>, takes the connection over from any current one, and answers
/// <see cref="SessionOpened"/> to <paramref name="ReplyTo"/> (the connection's Ask). A session that has
/// ended sends it back to the registry as the original <see cref="OpenSession"/>.
/// </summary>
public sealed record AttachSession(OpenSession Open, bool SessionPresent, IActorRef? ReplyTo);

/// <summary>
/// Registry to session: a CONNECT with Clean Start for this client id arrived. The session closes its
/// connection with 0x8E, publishes that connection's will, leaves the router and reports <see cref="SessionEnded"/>.
/// </summary>
public sealed record EndSession
{
    public static readonly EndSession Instance = new();

    private EndSession()
    {
    }
}

/// <summary>
/// Registry to session: another node holds the client id's newer session (this one is from before this node was in the
/// cluster). It ends without a will (the client connected elsewhere) and its stored rows are deleted.
/// </summary>
public sealed record DropSession
{
    public static readonly DropSession Instance = new();

    private DropSession()
    {
    }
}

/// <summary>Session to registry: the session is over (expired, ended by Clean Start); stop it, then open the next one.</summary>
public sealed record SessionEnded(string ClientId);

/// <summary>Session to registry: it is kept in storage from now on, under this id: if it stops without ending, it is started again from there.</summary>
public sealed record SessionBecameDurable(string ClientId, string PersistenceId);

/// <summary>Session to registry: rebuilt from the rows of a node that is gone and stored again as this node's, with these subscriptions.</summary>
public sealed record SessionAdopted(string ClientId, IReadOnlyList<string> Filters);

/// <summary>Session to registry: rebuilt from storage, its subscriptions back in the router.</summary>
public sealed record SessionRecovered(string ClientId);

/// <summary>Session to registry: its stored history could not be read back; it stops, and the client id starts afresh.</summary>
public sealed record SessionCorrupt(string ClientId);

/// <summary>
/// To the registry, once at start before any listener opens: start every session kept in storage, and answer
/// <see cref="SessionsRecovered"/> once each has its subscriptions back in the router (or failed).
/// </summary>
public sealed record RecoverSessions
{
    public static readonly RecoverSessions Instance = new();

    private RecoverSessions()
    {
    }
}

/// <param name="Failure">Storage could not be listed: nothing was recovered.</param>
public sealed record SessionsRecovered(int Recovered, int Failed, Exception? Failure = null);

/// <summary>To a session: answer with <see cref="SessionStats"/>.</summary>
public sealed record GetSessionStats
{
    public static readonly GetSessionStats Instance = new();

    private GetSessionStats()
    {
    }
}

/// <summary>A session's counters, for the management API and tests.</summary>
/// <param name="DroppedMessages">Messages discarded for this client: queue overflow, QoS 0 while away, too large.</param>
public sealed record SessionStats(
    string ClientId,
    bool Connected,
    int Subscriptions,
    int Inflight,
    int Queued,
    int AwaitingRel,
    long DroppedMessages);

/// <summary>
/// Registry to session: another node took the client id over. The session closes its connection (0x8E), sends its
/// state to <paramref name="To"/> through <paramref name="Peers"/>, forwards what still reaches it, and ends once the
/// new session serves (SessionActor.Transfer.cs). With <paramref name="CleanStart"/> it ends at once and sends nothing.
/// </summary>
public sealed record HandOverSession(Cluster.ISessionPeers Peers, string To, long TransferId, bool CleanStart);

/// <summary>
/// To the registry: hand <paramref name="Message"/> to the live session of <paramref name="ClientId"/>, its sender kept
/// (the session answers the asker directly); answered <see cref="NoSuchSession"/> when there is none, or it is being
/// moved, stopped or started again. How the management API reaches a session by client id.
/// </summary>
public sealed record ToSession(string ClientId, object Message);

/// <summary>The registry's (or an ended session's) answer to <see cref="ToSession"/>: no live session of the client id here.</summary>
public sealed record NoSuchSession(string ClientId);

/// <summary>To a session: answer with <see cref="SessionInfo"/>, its subscriptions listed when asked.</summary>
public sealed record GetSessionInfo(bool WithSubscriptions)
{
    public static readonly GetSessionInfo Plain = new(false);

    public static readonly GetSessionInfo WithFilters = new(true);
}

/// <summary>
/// A session as the management API shows it (EMQX's client fields): its counters, when it was made and last connected,
/// the CONNECT it was last opened with, and its connection, null while the client is away.
/// </summary>
/// <param name="Subscriptions">Filter and options, as granted; empty unless asked for.</param>
public sealed record SessionInfo(
    SessionStats Stats,
    long CreatedAtMs,
    long? ConnectedAtMs,
    long? DisconnectedAtMs,
    uint ExpirySeconds,
    ConnectRequest? LastConnect,
    IClientConnection? Connection,
    IReadOnlyList<Mqtt.Packets.TopicSubscription> Subscriptions,
    int MaxInflight,
    int MaxQueue);

/// <summary>
/// To a session: an operator kicks its client (EMQX's <c>DELETE /clients/{clientid}</c>). The connection gets DISCONNECT
/// 0x98 Administrative action (5.0), its will goes out as on any close the client did not ask for, and the session is
/// discarded, kept in storage or not; answered <see cref="SessionKicked"/>.
/// </summary>
public sealed record KickSession
{
    public static readonly KickSession Instance = new();

    private KickSession()
    {
    }
}

public sealed record SessionKicked(string ClientId);

/// <summary>To a session: subscribe as if its client had sent SUBSCRIBE (no SUBACK goes out); answered <see cref="SubscribedOnBehalf"/>.</summary>
public sealed record SubscribeOnBehalf(IReadOnlyList<Mqtt.Packets.TopicSubscription> Subscriptions);

/// <summary>Per subscription, the code a SUBACK would have held (the granted QoS).</summary>
public sealed record SubscribedOnBehalf(string ClientId, IReadOnlyList<Mqtt.ReasonCode> Codes);

/// <summary>To a session: unsubscribe these filters for its client (no UNSUBACK); answered <see cref="UnsubscribedOnBehalf"/>.</summary>
public sealed record UnsubscribeOnBehalf(IReadOnlyList<string> Filters);

/// <summary>Per filter, whether the session had it.</summary>
public sealed record UnsubscribedOnBehalf(string ClientId, IReadOnlyList<bool> Existed);

/// <summary>To the registry: answer <see cref="SessionList"/> with the client ids of the sessions that serve here.</summary>
public sealed record ListSessions
{
    public static readonly ListSessions Instance = new();

    private ListSessions()
    {
    }
}

/// <summary>The client ids of this node's live sessions, connected or not, in no particular order.</summary>
public sealed record SessionList(IReadOnlyList<string> ClientIds);
