using Broker.Mqtt;

namespace Broker.Core.Sessions;

/// <summary>
/// What the session must respect of the client attached to it, from its CONNECT; a resumed session
/// may meet a client with other limits (or another protocol level) than the one before.
/// </summary>
public sealed record ClientCapabilities(
    MqttProtocolVersion ProtocolVersion,
    ushort ReceiveMaximum = ushort.MaxValue,
    uint MaximumPacketSize = uint.MaxValue)
{
    public bool IsV5 => ProtocolVersion == MqttProtocolVersion.V500;

    public static ClientCapabilities From(ConnectRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return new(request.ProtocolVersion, request.ReceiveMaximum, request.MaximumPacketSize);
    }
}
