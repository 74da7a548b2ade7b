using Broker.Core.Sessions;
using Broker.Mqtt;
using Broker.Mqtt.Packets;

namespace Broker.Transport.Channels;

public sealed partial class MqttChannel
{
    /// <summary>
    /// When the connection is to be closed if nothing arrives (Unix milliseconds): the idle timeout after
    /// opening while CONNECT is awaited or its enhanced authentication runs, 1.5 times the keep-alive after the last packet once connected
    /// [MQTT-3.1.2-24]; null when keep-alive is 0 (off), while a packet waits for its authorization, or once the channel is closed.
    /// </summary>
    public long? KeepAliveDeadlineMs(long lastPacketMs) => State switch
    {
        // An enhanced authentication must end within the same time as the CONNECT had to come in.
        ChannelState.AwaitingConnect or ChannelState.Authenticating => OpenedAtMs + (long)_settings.IdleTimeout.TotalMilliseconds,
        // While a packet waits for its authorization the connection reads nothing: the client is held, not idle.
        ChannelState.Connected when KeepAliveSeconds > 0 && _suspended is null =>
            lastPacketMs + (long)Math.Ceiling(KeepAliveSeconds * 1000 * _settings.KeepAliveMultiplier),
        _ => null,
    };

    /// <summary>True once <paramref name="nowMs"/> is past the deadline of <see cref="KeepAliveDeadlineMs"/>.</summary>
    public bool IsKeepAliveExpired(long lastPacketMs, long nowMs) => KeepAliveDeadlineMs(lastPacketMs) is { } deadline && nowMs > deadline;

    /// <summary>
    /// Closes the channel whose deadline passed: "as if the network had failed" [MQTT-3.1.2-24], so the will
    /// is published; a 5.0 client is told 0x8D first. Before CONNECT, the connection is just dropped.
    /// </summary>
    public ChannelResult HandleKeepAliveExpired() => State switch
    {
        ChannelState.AwaitingConnect => CloseSilently(CloseCause.IdleTimeout, ReasonCode.MaximumConnectTime, "no CONNECT within the idle timeout"),
        ChannelState.Authenticating => CloseSilently(CloseCause.IdleTimeout, ReasonCode.MaximumConnectTime, "enhanced authentication not done within the idle timeout"),
        ChannelState.Connected => CloseWith(
            IsV5 ? new DisconnectPacket { ReasonCode = ReasonCode.KeepAliveTimeout } : null,
            new ChannelClose(CloseCause.KeepAliveTimeout, DisconnectKind.Abnormal, ReasonCode.KeepAliveTimeout,
                $"nothing received within {_settings.KeepAliveMultiplier} times the keep-alive of {KeepAliveSeconds} s [MQTT-3.1.2-24]")),
        _ => ChannelResult.None,
    };
}
