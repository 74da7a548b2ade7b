namespace Broker.Transport.Channels;

/// <summary>Why the channel's outbound part did not let a packet go to the client.</summary>
public enum OutgoingDrop : byte
{
    None,
    /// <summary>Nothing but CONNACK goes before a successful CONNACK [MQTT-3.2.0-1], no DISCONNECT either [MQTT-3.14.0-1].</summary>
    BeforeConnAck,
    /// <summary>One CONNACK per network connection [MQTT-3.2.0-2].</summary>
    SecondConnAck,
    /// <summary>Nothing follows a DISCONNECT [MQTT-3.14.4-1] or a refusing CONNACK, after which the connection closes [MQTT-3.2.2-7].</summary>
    AfterClose,
    /// <summary>A DISCONNECT to a 3.x client, which has no such packet from the server.</summary>
    NotInProtocol,
    /// <summary>
    /// Larger than the client's Maximum Packet Size [MQTT-3.1.2-24]; a PUBLISH so dropped counts as
    /// <c>delivery.dropped.too_large</c> [MQTT-3.1.2-25].
    /// </summary>
    TooLarge,
}
