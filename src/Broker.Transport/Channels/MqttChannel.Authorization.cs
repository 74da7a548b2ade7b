using Broker.Core.Security;
using Broker.Core.Security.Authorization;
using Broker.Core.Sessions;
using Broker.Mqtt;
using Broker.Mqtt.Packets;
using Broker.Mqtt.Properties;

namespace Broker.Transport.Channels;

/// <summary>
/// Authorization of what a connected client asks: each PUBLISH and SUBSCRIBE, and the will at CONNECT, against the
/// client fixed at CONNECT, through its own cache of decisions. A denial costs the request only, or with
/// <c>deny_action = disconnect</c> the connection: DISCONNECT 0x87 on 5.0, closed on 3.x.
/// <para>
/// A check that a source must answer over the network suspends the packet: the channel returns
/// <see cref="CheckAuthorization"/>, the connection waits for the answer without reading, and
/// <see cref="Authorized"/> goes on with the packet where it stopped, as EMQX's channel process waits for its HTTP call.
/// </para>
/// </summary>
public sealed partial class MqttChannel
{
    private readonly ChannelSecurity _security;
    private readonly ChannelPeer _peer;

    // Null when nothing is checked (no sources, no_match = allow), and before CONNECT.
    private ClientAuthorization? _authorization;

    // The packet whose check waits for a source; null otherwise. Nothing else comes in meanwhile.
    private Suspension? _suspended;

    /// <summary>
    /// The answer to <see cref="CheckAuthorization"/>: the suspended PUBLISH goes to the session (flagged Denied when
    /// denied), the suspended SUBSCRIBE goes on with its next filter, the suspended CONNECT opens its session (without its
    /// will when denied). Nothing when the channel closed meanwhile (the keep-alive or idle timeout, a shutdown).
    /// </summary>
    public ChannelResult Authorized(CheckAuthorization check, AclDecision decision)
    {
        ArgumentNullException.ThrowIfNull(check);
        if (_suspended is not { } suspended || !ReferenceEquals(suspended.Check, check))
        {
            return ChannelResult.None;
        }

        _suspended = null;
        if (State == ChannelState.Closed)
        {
            return ChannelResult.None;
        }

        return suspended.Resume(this, Counted(decision));
    }

    /// <summary>True while a packet waits for <see cref="Authorized"/>.</summary>
    public bool AwaitsAuthorization => _suspended is not null;

    /// <summary>Allow or Deny; null when a source that needs I/O must be asked (<see cref="Suspend"/>).</summary>
    private AclDecision? Authorize(AclAction action, string topic, QualityOfService qos, bool retain) =>
        _authorization is null ? Counted(AclDecision.Allow) : _authorization.Authorize(action, topic, qos, retain) is { } decision ? Counted(decision) : null;

    private CheckAuthorization CheckOf(AclAction action, string topic, QualityOfService qos, bool retain) =>
        new(_authorization!, action, topic, qos, retain);

    private ChannelResult Suspend(Suspension suspension)
    {
        _suspended = suspension;
        return ChannelResult.Forward(suspension.Check);
    }

    /// <summary>The connection reads nothing while a check waits, so a packet now is its bug, not the client's.</summary>
    private void ThrowIfSuspended()
    {
        if (_suspended is not null)
        {
            throw new InvalidOperationException("an input while a check of authorization waits: the connection must not read until Authorized");
        }
    }

    private bool DisconnectOnDeny => _security.DisconnectOnDeny;

    private ChannelResult DeniedDisconnect(string what) =>
        Violation(ReasonCode.NotAuthorized, $"{what} denied by authorization (deny_action = disconnect)");

    /// <summary>A packet stopped at its check, and how it goes on once decided.</summary>
    private abstract record Suspension(CheckAuthorization Check)
    {
        public abstract ChannelResult Resume(MqttChannel channel, AclDecision decision);
    }

    /// <param name="Properties">Without the topic alias, which was resolved before the check.</param>
    private sealed record SuspendedPublish(CheckAuthorization Check, PublishPacket Publish, MqttProperties Properties, long NowMs) : Suspension(Check)
    {
        public override ChannelResult Resume(MqttChannel channel, AclDecision decision) =>
            channel.Publish(Publish, Check.Topic, Properties, NowMs, decision == AclDecision.Deny);
    }

    /// <param name="Index">The filter being checked; those before it are decided in <paramref name="Refused"/>.</param>
    private sealed record SuspendedSubscribe(CheckAuthorization Check, SubscribePacket Subscribe, ReasonCode?[] Refused, int Index) : Suspension(Check)
    {
        public override ChannelResult Resume(MqttChannel channel, AclDecision decision) =>
            channel.DeniedFilter(Subscribe, Refused, Index, decision) ?? channel.SubscribeFrom(Subscribe, Refused, Index + 1);
    }

    /// <summary>The will's check, before the session opens.</summary>
    private sealed record SuspendedConnect(CheckAuthorization Check, ClientInfo Client, OpenSession Open) : Suspension(Check)
    {
        public override ChannelResult Resume(MqttChannel channel, AclDecision decision) => channel.Open(Client, Open, decision);
    }
}
