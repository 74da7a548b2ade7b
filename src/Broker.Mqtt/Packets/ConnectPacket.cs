using Broker.Mqtt.Properties;

namespace Broker.Mqtt.Packets;

/// <summary>CONNECT (3.1): the first packet a client sends on a network connection.</summary>
public sealed record ConnectPacket : MqttPacket
{
    public override PacketType Type => PacketType.Connect;

    public MqttProtocolVersion ProtocolVersion { get; init; } = MqttProtocolVersion.V311;

    /// <summary>Clean Session on 3.1 and 3.1.1, Clean Start on 5.0 (bit 1 of the connect flags).</summary>
    public bool CleanStart { get; init; }

    /// <summary>Seconds; 0 switches the keep-alive mechanism off.</summary>
    public ushort KeepAlive { get; init; }

    /// <summary>May be empty: the server then assigns one or refuses, per the protocol level's rules.</summary>
    public string ClientId { get; init; } = "";

    public WillMessage? Will { get; init; }

    public string? UserName { get; init; }

    public ReadOnlyMemory<byte>? Password { get; init; }

    public MqttProperties Properties { get; init; } = MqttProperties.Empty;
}
