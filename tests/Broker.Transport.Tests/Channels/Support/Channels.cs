using Broker.Core.Messaging;
using Broker.Core.Sessions;
using Broker.Mqtt;
using Broker.Mqtt.Packets;
using Broker.Mqtt.Properties;
using Broker.Transport.Channels;

namespace Broker.Transport.Tests.Channels.Support;

/// <summary>Channels in a known state, and the CONNECT packets that put them there.</summary>
internal static class Channels
{
    public const long OpenedAtMs = 1_000_000;

    public static MqttChannel New(MqttSettings? settings = null) =>
        new(settings ?? MqttSettings.Default, new FakeConnection(), OpenedAtMs, () => "auto-test");

    public static ConnectPacket Connect(
        MqttProtocolVersion version = MqttProtocolVersion.V500,
        string clientId = "client-1",
        bool cleanStart = true,
        ushort keepAlive = 60,
        MqttProperties? properties = null,
        WillMessage? will = null) => new()
    {
        ProtocolVersion = version,
        ClientId = clientId,
        CleanStart = cleanStart,
        KeepAlive = keepAlive,
        Properties = properties ?? MqttProperties.Empty,
        Will = will,
    };

    /// <summary>A channel that has accepted a CONNECT, with what it forwarded.</summary>
    public static (MqttChannel Channel, OpenSession Open) Connected(
        MqttSettings? settings = null,
        MqttProtocolVersion version = MqttProtocolVersion.V500,
        MqttProperties? properties = null,
        ushort keepAlive = 60)
    {
        var channel = New(settings);
        var result = channel.HandleIn(Connect(version, properties: properties, keepAlive: keepAlive), OpenedAtMs);
        Assert.Null(result.Close);
        return (channel, Assert.IsType<OpenSession>(result.Command));
    }

    public static ConnAckPacket Refusal(ChannelResult result)
    {
        var connAck = Assert.IsType<ConnAckPacket>(result.Reply);
        Assert.NotNull(result.Close);
        Assert.Null(result.Command);
        Assert.False(connAck.SessionPresent);
        return connAck;
    }

    public static DisconnectPacket Disconnect(ChannelResult result, MqttChannel channel)
    {
        var disconnect = Assert.IsType<DisconnectPacket>(result.Reply);
        Assert.NotNull(result.Close);
        Assert.Equal(disconnect.ReasonCode, result.Close.Reason);
        Assert.Equal(DisconnectKind.Abnormal, result.Close.Kind);
        Assert.Equal(ChannelState.Closed, channel.State);
        return disconnect;
    }
}
