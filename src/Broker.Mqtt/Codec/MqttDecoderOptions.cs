namespace Broker.Mqtt.Codec;

public sealed record MqttDecoderOptions
{
    /// <summary>The largest packet the protocol can express: 4-byte remaining length plus the fixed header.</summary>
    public const int ProtocolMaximumPacketSize = 268_435_455 + 5;

    /// <summary>
    /// Total bytes of a packet, fixed header included (the 5.0 meaning of Maximum Packet Size).
    /// Checked as soon as the fixed header is read, before any of the body is buffered.
    /// </summary>
    public int MaximumPacketSize { get; init; } = ProtocolMaximumPacketSize;

    public PeerRole Peer { get; init; } = PeerRole.Client;
}
