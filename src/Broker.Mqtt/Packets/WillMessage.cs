using Broker.Mqtt.Properties;

namespace Broker.Mqtt.Packets;

/// <summary>
/// The will of CONNECT (3.1.2.5, 3.1.3.2-3). Its payload is copied out of the receive buffer
/// because the will lives as long as the session, long after that buffer is reused.
/// </summary>
public sealed record WillMessage
{
    public required string Topic { get; init; }

    public ReadOnlyMemory<byte> Payload { get; init; }

    public QualityOfService QoS { get; init; }

    public bool Retain { get; init; }

    /// <summary>Will properties (5.0 only): delay interval, expiry, content type, response topic...</summary>
    public MqttProperties Properties { get; init; } = MqttProperties.Empty;
}
