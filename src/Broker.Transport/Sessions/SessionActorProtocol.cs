using Broker.Actors;

namespace Broker.Transport.Sessions;

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

/// <summary>Session to registry: the session is over (expired, ended by Clean Start); stop it, then open the next one.</summary>
public sealed record SessionEnded(string ClientId);

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
