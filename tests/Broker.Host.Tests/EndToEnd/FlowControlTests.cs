using Broker.Actors.TestKit;
using Broker.Host.Tests.EndToEnd.Support;
using Broker.Mqtt;
using Broker.Mqtt.Packets;
using Broker.Mqtt.Properties;

namespace Broker.Host.Tests.EndToEnd;

public sealed class FlowControlTests
{
    [Fact]
    public async Task MQTT_3_3_4_9_no_more_QoS1_publishes_than_the_client_Receive_Maximum_are_unacknowledged()
    {
        await using var broker = await InProcessBroker.StartAsync();
        var subscriber = await broker.ConnectAsync("slow", c => c with { Properties = new MqttProperties { ReceiveMaximum = 2 } });
        await subscriber.SubscribeAsync("t");
        var publisher = await broker.ConnectAsync("publisher");
        for (var i = 1; i <= 4; i++)
        {
            await publisher.PublishAcknowledgedAsync("t", $"m{i}");
        }

        var first = await subscriber.ReceivePublishAsync("m1");
        await subscriber.ReceivePublishAsync("m2");
        await subscriber.ExpectNothingAsync();

        await subscriber.SendAsync(new PubAckPacket { PacketId = first.PacketId });

        await subscriber.ReceivePublishAsync("m3");
        await subscriber.ExpectNothingAsync();
    }

    [Fact]
    public async Task MQTT_3_3_4_7_a_publisher_past_the_Receive_Maximum_that_answers_each_PUBREC_reads_them_all_then_DISCONNECT_0x93()
    {
        await using var broker = await InProcessBroker.StartAsync(m => m.ReceiveMaximum = 2);
        var publisher = await broker.OpenAsync();
        Assert.Equal((ushort)2, (await publisher.ConnectAsync("eager")).Properties.ReceiveMaximum);
        for (var i = 1; i <= 3; i++)
        {
            await publisher.PublishAsync("t", $"m{i}", QualityOfService.ExactlyOnce);
        }

        // As Paho's test_flow_control2: the client goes on with the exchanges while the broker closes the connection.
        for (var i = 1; i <= 2; i++)
        {
            var pubRec = await publisher.ReceiveAsync<PubRecPacket>();
            await publisher.SendAsync(new PubRelPacket { PacketId = pubRec.PacketId });
        }

        Assert.Equal(ReasonCode.ReceiveMaximumExceeded, (await publisher.ReceiveAsync<DisconnectPacket>()).ReasonCode);
        await publisher.ExpectClosedAsync();
    }

    [Fact]
    public async Task MQTT_3_1_2_25_a_message_larger_than_the_client_Maximum_Packet_Size_is_not_sent_to_it()
    {
        await using var broker = await InProcessBroker.StartAsync();
        var subscriber = await broker.ConnectAsync("small", c => c with { Properties = new MqttProperties { MaximumPacketSize = 100 } });
        await subscriber.SubscribeAsync("t");
        var publisher = await broker.ConnectAsync("publisher");

        await publisher.PublishAcknowledgedAsync("t", new string('x', 200));
        await publisher.PublishAcknowledgedAsync("t", "small");

        await subscriber.ReceivePublishAsync("small");
        await subscriber.ExpectNothingAsync();
        Assert.True(broker.Metrics.MessagesDropped >= 1);
    }

    [Fact]
    public async Task MQTT_3_3_2_5_an_expired_message_queued_for_an_offline_session_is_not_delivered()
    {
        var clock = new ManualTimeProvider();
        await using var broker = await InProcessBroker.StartAsync(time: clock);
        var persistent = (ConnectPacket c) => c with { CleanStart = false, Properties = new MqttProperties { SessionExpiryInterval = 300 } };
        var subscriber = await broker.ConnectAsync("offline", persistent);
        await subscriber.SubscribeAsync("t");
        await subscriber.DisconnectAsync();
        await subscriber.ExpectClosedAsync();
        var publisher = await broker.ConnectAsync("publisher");
        await publisher.PublishAcknowledgedAsync("t", "short-lived", properties: new MqttProperties { MessageExpiryInterval = 1 });
        await publisher.PublishAcknowledgedAsync("t", "long-lived", properties: new MqttProperties { MessageExpiryInterval = 100 });

        clock.Advance(TimeSpan.FromSeconds(2));
        var again = await broker.OpenAsync();
        await again.ConnectAsync("offline", persistent);

        var delivered = await again.ReceivePublishAsync("long-lived");
        // [MQTT-3.3.2-6]: the interval forwarded is what remains of it.
        Assert.Equal(98u, delivered.Properties.MessageExpiryInterval);
        await again.SendAsync(new PubAckPacket { PacketId = delivered.PacketId });
        await again.ExpectNothingAsync();
    }
}
