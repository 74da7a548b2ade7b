namespace Broker.Transport.Channels;

/// <summary>
/// The life of a channel. Every transition goes one way:
/// <code>
///   AwaitingConnect ──CONNECT accepted──────────────────────────────▶ Connected ──DISCONNECT, violation, keep-alive──▶ Closed
///      │  └──CONNECT with an Authentication Method──▶ Authenticating ──┘ (AUTH, the exchange's last step)                ▲
///      │                                                  └──a failed exchange, a protocol error, the idle timeout───────┤
///      └──CONNECT refused, violation, idle timeout────────────────────────────────────────────────────────────────────┘
/// </code>
/// Re-authentication runs in Connected, beside the session, and changes no state unless it fails.
/// </summary>
public enum ChannelState
{
    AwaitingConnect,
    /// <summary>
    /// Enhanced authentication at CONNECT (4.12): the server sent AUTH 0x18 and waits for the client's; only AUTH or
    /// DISCONNECT may come [MQTT-3.1.2-30]. Bounded by the idle timeout, as awaiting CONNECT is.
    /// </summary>
    Authenticating,
    Connected,
    /// <summary>Nothing read after this is processed [MQTT-3.1.4-6, MQTT-3.14.4-1].</summary>
    Closed,
}
