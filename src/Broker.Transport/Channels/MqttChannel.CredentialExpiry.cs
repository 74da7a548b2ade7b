using Broker.Core.Sessions;
using Broker.Mqtt;
using Broker.Mqtt.Packets;

namespace Broker.Transport.Channels;

/// <summary>
/// Credentials that end while the client is connected (a JWT's <c>exp</c>, with <c>disconnect_after_expire</c>): the
/// client is disconnected then, as EMQX does, with DISCONNECT 0x87 on 5.0 and its will published, like any abnormal end.
/// The connection checks the deadline with the keep-alive's, on the same timer.
/// </summary>
public sealed partial class MqttChannel
{
    // Unix ms; null: the credentials never end (or the step did not say).
    private long? _credentialsExpireAtMs;

    /// <summary>The sooner of the keep-alive deadline and the end of the credentials; null when neither applies.</summary>
    public long? NextDeadlineMs(long lastPacketMs)
    {
        var keepAlive = KeepAliveDeadlineMs(lastPacketMs);
        return State == ChannelState.Connected && _credentialsExpireAtMs is { } expiry
            ? Math.Min(keepAlive ?? long.MaxValue, expiry)
            : keepAlive;
    }

    public bool AreCredentialsExpired(long nowMs) => State == ChannelState.Connected && nowMs >= _credentialsExpireAtMs;

    public ChannelResult HandleCredentialsExpired() => CloseWith(
        IsV5 ? new DisconnectPacket { ReasonCode = ReasonCode.NotAuthorized } : null,
        new ChannelClose(CloseCause.CredentialsExpired, DisconnectKind.Abnormal, ReasonCode.NotAuthorized,
            "its credentials expired (the token's exp; disconnect_after_expire)"));
}
