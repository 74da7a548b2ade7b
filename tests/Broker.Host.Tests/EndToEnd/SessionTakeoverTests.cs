using Broker.Host.Tests.EndToEnd.Support;
using Broker.Mqtt;
using Broker.Mqtt.Packets;
using Broker.Mqtt.Properties;

namespace Broker.Host.Tests.EndToEnd;

public sealed class SessionTakeoverTests
{
    private static ConnectPacket Persistent(ConnectPacket connect) =>
        connect with { CleanStart = false, Properties = new MqttProperties { SessionExpiryInterval = 300 } };

    [Fact]
    public async Task MQTT_3_1_4_3_second_connection_takes_over_old_one_gets_disconnect_0x8E_then_close()
    {
        await using var broker = await InProcessBroker.StartAsync();
        var first = await broker.ConnectAsync("device", Persistent);
        var second = await broker.OpenAsync();

        var connAck = await second.ConnectAsync("device", Persistent);

        Assert.True(connAck.SessionPresent);
        var disconnect = await first.ReceiveAsync<DisconnectPacket>();
        Assert.Equal(ReasonCode.SessionTakenOver, disconnect.ReasonCode);
        await first.ExpectClosedAsync();
    }

    [Fact]
    public async Task Subscriptions_and_queued_messages_continue_on_the_new_connection()
    {
        await using var broker = await InProcessBroker.StartAsync();
        var first = await broker.ConnectAsync("device", c => Persistent(c) with { Properties = new MqttProperties { SessionExpiryInterval = 300, ReceiveMaximum = 1 } });
        await first.SubscribeAsync("t/#");
        var publisher = await broker.ConnectAsync("publisher");
        await publisher.PublishAcknowledgedAsync("t/1", "one");
        await publisher.PublishAcknowledgedAsync("t/2", "two");
        await first.ReceivePublishAsync("one");
        await first.ExpectNothingAsync(); // "two" waits in the queue: the window of 1 is full

        var second = await broker.ConnectAsync("device", Persistent);

        // [MQTT-4.4.0-1]: the unacknowledged QoS 1 message is resent with DUP, then the queue follows.
        var resent = await second.ReceivePublishAsync("one");
        Assert.True(resent.Dup);
        await second.SendAsync(new PubAckPacket { PacketId = resent.PacketId });
        var queued = await second.ReceivePublishAsync("two");
        Assert.False(queued.Dup);
        await second.SendAsync(new PubAckPacket { PacketId = queued.PacketId });

        await publisher.PublishAcknowledgedAsync("t/3", "three");
        await second.ReceivePublishAsync("three");
    }

    [Fact]
    public async Task MQTT_4_4_0_1_unacknowledged_QoS1_is_resent_with_DUP_when_the_client_reconnects()
    {
        await using var broker = await InProcessBroker.StartAsync();
        var subscriber = await broker.ConnectAsync("device", Persistent);
        await subscriber.SubscribeAsync("t");
        var publisher = await broker.ConnectAsync("publisher");
        await publisher.PublishAcknowledgedAsync("t", "payload");
        var original = await subscriber.ReceivePublishAsync("payload");
        Assert.False(original.Dup);
        await subscriber.DisconnectAsync();
        await subscriber.ExpectClosedAsync();

        var again = await broker.OpenAsync();
        var connAck = await again.ConnectAsync("device", Persistent);

        Assert.True(connAck.SessionPresent);
        var resent = await again.ReceivePublishAsync("payload");
        Assert.True(resent.Dup);
        Assert.Equal(original.PacketId, resent.PacketId);
        await again.SendAsync(new PubAckPacket { PacketId = resent.PacketId });
        await again.ExpectNothingAsync();
    }

    [Fact]
    public async Task Clean_start_takeover_discards_the_session()
    {
        await using var broker = await InProcessBroker.StartAsync();
        var first = await broker.ConnectAsync("device", Persistent);
        await first.SubscribeAsync("t");

        var second = await broker.OpenAsync();

        Assert.False((await second.ConnectAsync("device")).SessionPresent);
        Assert.Equal(ReasonCode.SessionTakenOver, (await first.ReceiveAsync<DisconnectPacket>()).ReasonCode);
        var publisher = await broker.ConnectAsync("publisher");
        await publisher.PublishAcknowledgedAsync("t", "not for the new session");
        await second.ExpectNothingAsync();
    }
}
