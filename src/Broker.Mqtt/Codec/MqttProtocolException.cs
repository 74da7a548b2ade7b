namespace Broker.Mqtt.Codec;

/// <summary>
/// Carries a decoding fault from deep inside a packet reader up to <see cref="MqttDecoder.TryDecode"/>,
/// which turns it into a <see cref="MqttDecodeError"/>: the readers stay straight-line code, and the
/// cost of the throw is paid only by a connection that is about to be closed anyway.
/// </summary>
public sealed class MqttProtocolException(ReasonCode reasonCode, string message) : Exception(message)
{
    public ReasonCode ReasonCode { get; } = reasonCode;
}
