using Broker.Host.Tests.EndToEnd.Support;
using Broker.Mqtt;
using Broker.Mqtt.Packets;
using Broker.Mqtt.Properties;

namespace Broker.Host.Tests.EndToEnd;

public sealed class TopicAliasTests
{
    [Fact]
    public async Task A_client_topic_alias_set_by_one_PUBLISH_names_the_topic_of_a_later_empty_topic_PUBLISH()
    {
        await using var broker = await InProcessBroker.StartAsync(m => m.MaxTopicAlias = 10);
        var subscriber = await broker.ConnectAsync("subscriber");
        await subscriber.SubscribeAsync("sensors/temperature");
        var publisher = await broker.ConnectAsync("publisher");

        await publisher.PublishAcknowledgedAsync("sensors/temperature", "21", properties: new MqttProperties { TopicAlias = 3 });
        await publisher.PublishAcknowledgedAsync("", "22", properties: new MqttProperties { TopicAlias = 3 });

        var first = await subscriber.ReceivePublishAsync("21");
        var second = await subscriber.ReceivePublishAsync("22");
        Assert.Equal("sensors/temperature", second.Topic);
        // [MQTT-3.3.2-7]: the publisher's alias is not forwarded.
        Assert.Null(first.Properties.TopicAlias);
        Assert.Null(second.Properties.TopicAlias);
    }

    [Fact]
    public async Task The_broker_uses_topic_aliases_towards_a_client_that_grants_a_Topic_Alias_Maximum()
    {
        await using var broker = await InProcessBroker.StartAsync();
        var subscriber = await broker.ConnectAsync("subscriber", c => c with { Properties = new MqttProperties { TopicAliasMaximum = 5 } });
        await subscriber.SubscribeAsync("sensors/#");
        var publisher = await broker.ConnectAsync("publisher");

        await publisher.PublishAcknowledgedAsync("sensors/pressure", "1");
        await publisher.PublishAcknowledgedAsync("sensors/pressure", "2");

        var first = await subscriber.ReceivePublishAsync("1");
        var second = await subscriber.ReceivePublishAsync("2");
        Assert.Equal("sensors/pressure", first.Topic);
        Assert.NotNull(first.Properties.TopicAlias);
        Assert.InRange(first.Properties.TopicAlias!.Value, (ushort)1, (ushort)5);
        Assert.Equal("", second.Topic);
        Assert.Equal(first.Properties.TopicAlias, second.Properties.TopicAlias);
    }

    [Fact]
    public async Task MQTT_3_1_2_26_no_topic_alias_towards_a_client_that_granted_none()
    {
        await using var broker = await InProcessBroker.StartAsync();
        var subscriber = await broker.ConnectAsync("subscriber");
        await subscriber.SubscribeAsync("sensors/#");
        var publisher = await broker.ConnectAsync("publisher");

        await publisher.PublishAcknowledgedAsync("sensors/pressure", "1");
        await publisher.PublishAcknowledgedAsync("sensors/pressure", "2");

        Assert.Null((await subscriber.ReceivePublishAsync("1")).Properties.TopicAlias);
        Assert.Equal("sensors/pressure", (await subscriber.ReceivePublishAsync("2")).Topic);
    }

    [Fact]
    public async Task MQTT_3_2_2_17_a_topic_alias_above_the_maximum_gets_DISCONNECT_0x94()
    {
        await using var broker = await InProcessBroker.StartAsync(m => m.MaxTopicAlias = 10);
        var publisher = await broker.ConnectAsync("publisher");

        await publisher.PublishAsync("t", "x", QualityOfService.AtLeastOnce, properties: new MqttProperties { TopicAlias = 11 });

        Assert.Equal(ReasonCode.TopicAliasInvalid, (await publisher.ReceiveAsync<DisconnectPacket>()).ReasonCode);
        await publisher.ExpectClosedAsync();
    }
}
