using Broker.Core.Messaging;
using Broker.Core.Sessions;
using Broker.Mqtt;
using Broker.Mqtt.Packets;
using Broker.Transport.Channels;
using static Broker.Transport.Tests.Channels.Support.Channels;

namespace Broker.Transport.Tests.Channels;

public sealed class KeepAliveTests
{
    [Fact]
    public void MQTT_3_1_2_24_keep_alive_expires_after_one_and_a_half_periods_without_a_packet()
    {
        var (channel, _) = Connected(keepAlive: 60);
        const long last = OpenedAtMs + 5_000;

        Assert.Equal(last + 90_000, channel.KeepAliveDeadlineMs(last));
        Assert.False(channel.IsKeepAliveExpired(last, last + 90_000));
        Assert.True(channel.IsKeepAliveExpired(last, last + 90_001));
    }

    [Fact]
    public void The_multiplier_comes_from_the_settings()
    {
        var (channel, _) = Connected(MqttSettings.Default with { KeepAliveMultiplier = 2 }, keepAlive: 10);

        Assert.Equal(OpenedAtMs + 20_000, channel.KeepAliveDeadlineMs(OpenedAtMs));
    }

    [Fact]
    public void Keep_alive_0_switches_the_check_off()
    {
        var (channel, _) = Connected(keepAlive: 0);

        Assert.Null(channel.KeepAliveDeadlineMs(OpenedAtMs));
        Assert.False(channel.IsKeepAliveExpired(OpenedAtMs, long.MaxValue));
    }

    [Fact]
    public void MQTT_3_1_2_23_a_server_keep_alive_replaces_the_5_0_client_value_and_is_returned_in_CONNACK()
    {
        var (channel, open) = Connected(MqttSettings.Default with { ServerKeepAlive = 30 }, keepAlive: 600);

        Assert.Equal(30, channel.KeepAliveSeconds);
        Assert.Equal((ushort)30, open.ConnAck.Properties.ServerKeepAlive);
        Assert.Equal(OpenedAtMs + 45_000, channel.KeepAliveDeadlineMs(OpenedAtMs));
    }

    [Fact]
    public void A_3_1_1_client_keeps_its_own_keep_alive_whatever_the_server_keep_alive()
    {
        var (channel, _) = Connected(MqttSettings.Default with { ServerKeepAlive = 30 }, MqttProtocolVersion.V311, keepAlive: 600);

        Assert.Equal(600, channel.KeepAliveSeconds);
    }

    [Fact]
    public void Before_CONNECT_the_idle_timeout_counts_from_the_opening()
    {
        var channel = New(MqttSettings.Default with { IdleTimeout = TimeSpan.FromSeconds(15) });

        Assert.Equal(OpenedAtMs + 15_000, channel.KeepAliveDeadlineMs(OpenedAtMs + 10_000));
        Assert.True(channel.IsKeepAliveExpired(OpenedAtMs, OpenedAtMs + 15_001));
    }

    [Fact]
    public void An_idle_connection_is_closed_without_a_packet()
    {
        var channel = New();

        var result = channel.HandleKeepAliveExpired();

        Assert.Null(result.Reply);
        Assert.Equal(CloseCause.IdleTimeout, result.Close!.Cause);
        Assert.Equal(ChannelState.Closed, channel.State);
    }

    [Fact]
    public void MQTT_3_1_2_24_an_expired_5_0_client_gets_DISCONNECT_0x8D_and_its_will_is_published()
    {
        var (channel, _) = Connected();

        var result = channel.HandleKeepAliveExpired();

        Assert.Equal(ReasonCode.KeepAliveTimeout, Disconnect(result, channel).ReasonCode);
        Assert.Equal(CloseCause.KeepAliveTimeout, result.Close!.Cause);
        Assert.Equal(DisconnectKind.Abnormal, result.Close.Kind);
    }

    [Fact]
    public void An_expired_3_1_1_client_is_closed_without_a_packet()
    {
        var (channel, _) = Connected(version: MqttProtocolVersion.V311);

        var result = channel.HandleKeepAliveExpired();

        Assert.Null(result.Reply);
        Assert.Equal(CloseCause.KeepAliveTimeout, result.Close!.Cause);
    }

    [Fact]
    public void A_closed_channel_has_no_deadline()
    {
        var (channel, _) = Connected();
        channel.HandleIn(DisconnectPacket.Normal, 0);

        Assert.Null(channel.KeepAliveDeadlineMs(0));
        Assert.Equal(ChannelResult.None, channel.HandleKeepAliveExpired());
    }
}
