namespace Broker.Transport.Channels;

/// <summary>
/// The life of a channel. Every transition goes one way:
/// <code>
///   AwaitingConnect ──CONNECT accepted──▶ Connected ──DISCONNECT, violation, keep-alive──▶ Closed
///          └──────────CONNECT refused, violation, idle timeout─────────────────────────────▲
/// </code>
/// </summary>
public enum ChannelState
{
    AwaitingConnect,
    Connected,
    /// <summary>Nothing read after this is processed [MQTT-3.1.4-6, MQTT-3.14.4-1].</summary>
    Closed,
}
