using System.Net;
using Broker.Mqtt;

namespace Broker.Transport.Connections;

/// <summary>A client as its connection opened its session: what the client events say of it (EMQX's clientinfo and conninfo).</summary>
/// <param name="SockPort">The listener's port the client connected to.</param>
/// <param name="ExpiryInterval">The session expiry interval granted, in seconds.</param>
public sealed record ConnectedClient(
    string ClientId,
    string? Username,
    IPAddress? Address,
    int Port,
    int SockPort,
    MqttProtocolVersion ProtocolVersion,
    ushort KeepAlive,
    bool CleanStart,
    uint ExpiryInterval,
    long ConnectedAtMs);
