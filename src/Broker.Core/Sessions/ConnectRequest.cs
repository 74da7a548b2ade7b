using Broker.Mqtt;
using Broker.Mqtt.Packets;

namespace Broker.Core.Sessions;

/// <summary>
/// A CONNECT the channel has accepted, with every negotiated value resolved: what the session
/// registry needs to open, resume or take over a session.
/// </summary>
public sealed record ConnectRequest
{
    /// <summary>The client id, assigned by the broker when the client sent an empty one.</summary>
    public required string ClientId { get; init; }

    public MqttProtocolVersion ProtocolVersion { get; init; } = MqttProtocolVersion.V311;

    /// <summary>Clean Session (3.x) or Clean Start (5.0): discard any existing session.</summary>
    public bool CleanStart { get; init; }

    /// <summary>
    /// Seconds the session outlives the connection, already capped by the broker's maximum.
    /// 3.x: 0 for clean session 1, the broker's maximum for clean session 0. uint.MaxValue: never.
    /// </summary>
    public uint SessionExpirySeconds { get; init; }

    /// <summary>The client's Receive Maximum: how many QoS 1/2 messages we may have unacknowledged towards it.</summary>
    public ushort ReceiveMaximum { get; init; } = ushort.MaxValue;

    /// <summary>The client's Maximum Packet Size; larger messages are discarded for it [MQTT-3.1.2-25].</summary>
    public uint MaximumPacketSize { get; init; } = uint.MaxValue;

    /// <summary>5.0 Request Problem Information: when false, no reason strings or user properties except on PUBLISH, CONNACK and DISCONNECT.</summary>
    public bool RequestProblemInformation { get; init; } = true;

    public WillMessage? Will { get; init; }

    public string? UserName { get; init; }
}
