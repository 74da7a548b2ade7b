using Broker.Actors;
using Microsoft.Extensions.Logging;

namespace Broker.Transport.Connections;

/// <summary>The connection's side of <see cref="SessionOpening"/>: what the session's answer, or its absence, does.</summary>
public sealed partial class MqttConnection : SessionOpening.IOwner
{
    /// <summary>On the session's thread, before the read loop resumes: what the client sent after CONNECT goes to it.</summary>
    void SessionOpening.IOwner.Opened(IActorRef session)
    {
        _session = session;
        _context.Metrics.ConnectionAccepted();
    }

    void SessionOpening.IOwner.OpenTimedOut(TimeSpan timeout)
    {
        _logger.LogWarning("{Connection}: the session registry did not open the session within {Timeout}", this, timeout);
        Close();
    }
}
