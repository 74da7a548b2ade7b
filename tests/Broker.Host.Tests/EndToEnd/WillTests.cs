using Broker.Host.Tests.EndToEnd.Support;
using Broker.Mqtt;
using Broker.Mqtt.Packets;
using Broker.Mqtt.Properties;

namespace Broker.Host.Tests.EndToEnd;

public sealed class WillTests
{
    private static Func<ConnectPacket, ConnectPacket> WithWill(uint? delay = null, bool retain = false, uint sessionExpiry = 0, string name = "device") => c => c with
    {
        Will = new WillMessage
        {
            Topic = $"wills/{name}",
            Payload = System.Text.Encoding.UTF8.GetBytes($"{name} gone"),
            QoS = QualityOfService.AtLeastOnce,
            Retain = retain,
            Properties = delay is null ? MqttProperties.Empty : new MqttProperties { WillDelayInterval = delay },
        },
        CleanStart = false,
        Properties = new MqttProperties { SessionExpiryInterval = sessionExpiry },
    };

    private static async Task<MqttTestClient> Watcher(InProcessBroker broker)
    {
        var watcher = await broker.ConnectAsync("watcher");
        await watcher.SubscribeAsync("wills/#");
        return watcher;
    }

    [Fact]
    public async Task MQTT_3_14_4_3_will_is_not_published_after_DISCONNECT_0x00()
    {
        await using var broker = await InProcessBroker.StartAsync();
        var watcher = await Watcher(broker);
        var device = await broker.ConnectAsync("device", WithWill());

        await device.DisconnectAsync(ReasonCode.NormalDisconnection);

        await device.ExpectClosedAsync();
        await watcher.ExpectNothingAsync();
    }

    [Fact]
    public async Task Will_is_published_after_DISCONNECT_0x04()
    {
        await using var broker = await InProcessBroker.StartAsync();
        var watcher = await Watcher(broker);
        var device = await broker.ConnectAsync("device", WithWill());

        await device.DisconnectAsync(ReasonCode.DisconnectWithWillMessage);

        var will = await watcher.ReceivePublishAsync("device gone");
        Assert.Equal("wills/device", will.Topic);
    }

    [Fact]
    public async Task Will_is_published_when_the_network_connection_fails()
    {
        await using var broker = await InProcessBroker.StartAsync();
        var watcher = await Watcher(broker);
        var device = await broker.ConnectAsync("device", WithWill());

        device.Abort();

        await watcher.ReceivePublishAsync("device gone");
    }

    [Fact]
    public async Task MQTT_3_1_3_9_will_delay_interval_delays_the_will()
    {
        await using var broker = await InProcessBroker.StartAsync();
        var watcher = await Watcher(broker);
        var device = await broker.ConnectAsync("device", WithWill(delay: 1, sessionExpiry: 60));

        device.Abort();

        await watcher.ExpectNothingAsync();
        await watcher.ReceivePublishAsync("device gone"); // after about a second
    }

    [Fact]
    public async Task MQTT_3_1_3_9_reconnecting_within_the_will_delay_cancels_the_will()
    {
        await using var broker = await InProcessBroker.StartAsync();
        var watcher = await Watcher(broker);
        var device = await broker.ConnectAsync("device", WithWill(delay: 1, sessionExpiry: 60));
        var control = await broker.ConnectAsync("control", WithWill(delay: 1, sessionExpiry: 60, name: "control"));
        device.Abort();

        var again = await broker.OpenAsync();
        Assert.True((await again.ConnectAsync("device", c => c with { CleanStart = false, Properties = new MqttProperties { SessionExpiryInterval = 60 } })).SessionPresent);

        // The control's will, with the same delay and lost later, marks the moment the device's would have come.
        control.Abort();
        await watcher.ReceivePublishAsync("control gone");
        await watcher.ExpectNothingAsync();
    }

    [Fact]
    public async Task MQTT_3_1_2_17_will_with_retain_is_stored_as_retained()
    {
        await using var broker = await InProcessBroker.StartAsync();
        var watcher = await Watcher(broker);
        var device = await broker.ConnectAsync("device", WithWill(retain: true));
        device.Abort();
        await watcher.ReceivePublishAsync("device gone");

        var late = await broker.ConnectAsync("late");
        await late.SubscribeAsync("wills/device");

        var retained = await late.ReceivePublishAsync("device gone");
        Assert.True(retained.Retain);
    }
}
