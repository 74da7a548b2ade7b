using Broker.Core.Security.Authorization;
using Broker.Mqtt;

namespace Broker.Transport.Channels;

/// <summary>
/// Authorization of what a connected client asks: each PUBLISH and SUBSCRIBE, and the will at CONNECT, against the
/// client fixed at CONNECT, through its own cache of decisions. A denial costs the request only, or with
/// <c>deny_action = disconnect</c> the connection: DISCONNECT 0x87 on 5.0, closed on 3.x.
/// </summary>
public sealed partial class MqttChannel
{
    private readonly ChannelSecurity _security;
    private readonly ChannelPeer _peer;

    // Null when nothing is checked (no sources, no_match = allow), and before CONNECT.
    private ClientAuthorization? _authorization;

    private AclDecision Authorize(AclAction action, string topic, QualityOfService qos, bool retain) =>
        Counted(_authorization?.Authorize(action, topic, qos, retain) ?? AclDecision.Allow);

    private bool DisconnectOnDeny => _security.DisconnectOnDeny;

    private ChannelResult DeniedDisconnect(string what) =>
        Violation(ReasonCode.NotAuthorized, $"{what} denied by authorization (deny_action = disconnect)");
}
