using Broker.Actors;
using Microsoft.Extensions.Logging;

namespace Broker.Transport.Connections;

/// <summary>The connection's side of <see cref="SessionOpening"/>: what the session's answer, or its absence, does.</summary>
public sealed partial class MqttConnection : SessionOpening.IOwner
{
    private long _connectedAtMs;

    /// <summary>The session serving this connection; null until it opened (and for a connection refused at CONNECT).</summary>
    public IActorRef? Session => _session;

    /// <summary>When the session opened for this connection (Unix ms; EMQX's <c>connected_at</c>); 0 before.</summary>
    public long ConnectedAtMs => Volatile.Read(ref _connectedAtMs);

    /// <summary>The CONNECT as the channel accepted it (client id, username, clean start, expiry, protocol); null before.</summary>
    public Broker.Core.Sessions.ConnectRequest? Request => _channel.Request;

    /// <summary>The keep-alive in force, seconds (the client's, or the Server Keep Alive imposed on it).</summary>
    public ushort KeepAliveSeconds => _channel.KeepAliveSeconds;

    /// <summary>On the session's thread, before the read loop resumes: what the client sent after CONNECT goes to it.</summary>
    void SessionOpening.IOwner.Opened(IActorRef session)
    {
        _session = session;
        Volatile.Write(ref _connectedAtMs, NowMs());
        _context.Metrics.ConnectionAccepted();
    }

    void SessionOpening.IOwner.OpenTimedOut(TimeSpan timeout)
    {
        _logger.LogWarning("{Connection}: the session registry did not open the session within {Timeout}", this, timeout);
        Close();
    }
}
