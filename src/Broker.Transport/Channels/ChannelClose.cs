using Broker.Core.Sessions;
using Broker.Mqtt;

namespace Broker.Transport.Channels;

/// <summary>Why a channel closed, in the terms the connection logs and counts.</summary>
public enum CloseCause
{
    /// <summary>The client sent DISCONNECT.</summary>
    ClientDisconnect,
    /// <summary>CONNECT was answered with a CONNACK refusal (or, on 3.x, closed without one).</summary>
    ConnectRefused,
    MalformedPacket,
    ProtocolError,
    /// <summary>Nothing from the client within 1.5 times the keep-alive [MQTT-3.1.2-24].</summary>
    KeepAliveTimeout,
    /// <summary>No CONNECT within the broker's idle timeout.</summary>
    IdleTimeout,
    /// <summary>The credentials the client connected with ended (a JWT's exp, with disconnect_after_expire).</summary>
    CredentialsExpired,
}

/// <summary>
/// The channel's decision to close: what the session is told (<see cref="Kind"/>,
/// <see cref="SessionExpirySeconds"/>) and why, for the log and the metrics.
/// </summary>
/// <param name="Reason">The 5.0 reason code of the DISCONNECT or CONNACK sent (or received, for <see cref="CloseCause.ClientDisconnect"/>).</param>
/// <param name="SessionExpirySeconds">From a client's 5.0 DISCONNECT, already checked and capped; null keeps the CONNECT value.</param>
public sealed record ChannelClose(
    CloseCause Cause,
    DisconnectKind Kind,
    ReasonCode Reason,
    string Detail,
    uint? SessionExpirySeconds = null);
