using Broker.Actors.TestKit;
using Broker.Host.Tests.EndToEnd.Support;
using Broker.Mqtt;
using Broker.Mqtt.Packets;
using Broker.Mqtt.Properties;

namespace Broker.Host.Tests.EndToEnd;

public sealed class DeliveryTests
{
    [Fact]
    public async Task MQTT_4_3_3_QoS2_is_delivered_exactly_once_through_both_four_packet_exchanges()
    {
        await using var broker = await InProcessBroker.StartAsync();
        var subscriber = await broker.ConnectAsync("subscriber");
        await subscriber.SubscribeAsync("t", QualityOfService.ExactlyOnce);
        var publisher = await broker.ConnectAsync("publisher");

        var packetId = await publisher.PublishAsync("t", "once", QualityOfService.ExactlyOnce);
        Assert.Equal(packetId, (await publisher.ReceiveAsync<PubRecPacket>()).PacketId);
        // A resent PUBLISH before PUBREL is acknowledged again, not routed again [MQTT-4.3.3-10].
        await publisher.SendAsync(new PublishPacket { Topic = "t", QoS = QualityOfService.ExactlyOnce, PacketId = packetId, Dup = true });
        Assert.Equal(packetId, (await publisher.ReceiveAsync<PubRecPacket>()).PacketId);
        await publisher.SendAsync(new PubRelPacket { PacketId = packetId });
        Assert.Equal(packetId, (await publisher.ReceiveAsync<PubCompPacket>()).PacketId);

        var delivered = await subscriber.ReceivePublishAsync("once");
        Assert.Equal(QualityOfService.ExactlyOnce, delivered.QoS);
        await subscriber.SendAsync(new PubRecPacket { PacketId = delivered.PacketId });
        Assert.Equal(delivered.PacketId, (await subscriber.ReceiveAsync<PubRelPacket>()).PacketId);
        await subscriber.SendAsync(new PubCompPacket { PacketId = delivered.PacketId });
        await subscriber.ExpectNothingAsync();
    }

    [Fact]
    public async Task MQTT_3_3_2_5_an_expired_retained_message_is_not_sent_to_a_new_subscriber()
    {
        var clock = new ManualTimeProvider();
        await using var broker = await InProcessBroker.StartAsync(time: clock);
        var publisher = await broker.ConnectAsync("publisher");
        await publisher.PublishAcknowledgedAsync("short", "gone soon", retain: true, properties: new MqttProperties { MessageExpiryInterval = 5 });
        await publisher.PublishAcknowledgedAsync("long", "stays", retain: true, properties: new MqttProperties { MessageExpiryInterval = 60 });

        clock.Advance(TimeSpan.FromSeconds(10));
        var subscriber = await broker.ConnectAsync("subscriber");
        await subscriber.SubscribeAsync("short");
        await subscriber.SubscribeAsync("long");

        var retained = await subscriber.ReceivePublishAsync("stays");
        Assert.Equal(50u, retained.Properties.MessageExpiryInterval);
        await subscriber.ExpectNothingAsync();
    }

    [Fact]
    public async Task MQTT_3_1_4_3_v311_takeover_closes_the_old_connection_and_keeps_the_session()
    {
        await using var broker = await InProcessBroker.StartAsync();
        var first = await broker.ConnectAsync("device", c => c with { CleanStart = false }, MqttProtocolVersion.V311);
        await first.SubscribeAsync("t");

        var second = await broker.OpenAsync(MqttProtocolVersion.V311);
        Assert.True((await second.ConnectAsync("device", c => c with { CleanStart = false })).SessionPresent);

        await first.ExpectClosedAsync();
        var publisher = await broker.ConnectAsync("publisher");
        await publisher.PublishAcknowledgedAsync("t", "to the new connection");
        await second.ReceivePublishAsync("to the new connection");
    }

    [Fact]
    public async Task MQTT_3_1_3_9_a_will_delayed_beyond_the_session_expiry_is_published_when_the_session_ends()
    {
        await using var broker = await InProcessBroker.StartAsync();
        var watcher = await broker.ConnectAsync("watcher");
        await watcher.SubscribeAsync("wills/#");
        var device = await broker.ConnectAsync("device", c => c with
        {
            Will = new WillMessage { Topic = "wills/device", Payload = "gone"u8.ToArray(), Properties = new MqttProperties { WillDelayInterval = 3600 } },
            Properties = new MqttProperties { SessionExpiryInterval = 1 },
        });

        device.Abort();

        await watcher.ReceivePublishAsync("gone"); // after about the one second of session expiry, not an hour
    }
}
