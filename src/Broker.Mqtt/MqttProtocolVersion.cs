namespace Broker.Mqtt;

/// <summary>The protocol level byte of CONNECT.</summary>
public enum MqttProtocolVersion : byte
{
    Unknown = 0,
    V310 = 3,
    V311 = 4,
    V500 = 5,
}
