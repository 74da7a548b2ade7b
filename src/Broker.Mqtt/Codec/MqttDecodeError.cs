namespace Broker.Mqtt.Codec;

/// <summary>
/// Why decoding failed, in the terms the channel acts on: the 5.0 reason code to send in CONNACK or
/// DISCONNECT (3.x clients are simply disconnected, or get the CONNACK return code that maps to it),
/// the packet type the fault was found in (Reserved when the type itself is bad), and a message for the log.
/// </summary>
public readonly record struct MqttDecodeError(ReasonCode ReasonCode, PacketType PacketType, string Message)
{
    public override string ToString() => $"{PacketType}: {ReasonCode} (0x{(byte)ReasonCode:X2}): {Message}";
}
