using Broker.Host.Tests.EndToEnd.Support;
using Broker.Mqtt;
using Broker.Mqtt.Packets;

namespace Broker.Host.Tests.EndToEnd;

public sealed class SubscriptionOptionTests
{
    private static TopicSubscription Filter(string filter, bool noLocal = false, bool retainAsPublished = false, RetainHandling retainHandling = RetainHandling.SendOnSubscribe) =>
        new(filter, new SubscriptionOptions(QualityOfService.AtLeastOnce, noLocal, retainAsPublished, retainHandling));

    [Fact]
    public async Task MQTT_3_3_4_3_the_subscription_identifier_of_the_matching_subscription_is_delivered()
    {
        await using var broker = await InProcessBroker.StartAsync();
        var subscriber = await broker.ConnectAsync("subscriber");
        await subscriber.SubscribeAsync(Filter("a/#"), subscriptionId: 7);
        await subscriber.SubscribeAsync(Filter("b/+"), subscriptionId: 300);
        var publisher = await broker.ConnectAsync("publisher");

        await publisher.PublishAcknowledgedAsync("a/x", "to a");
        await publisher.PublishAcknowledgedAsync("b/x", "to b");

        Assert.Equal([7], (await subscriber.ReceivePublishAsync("to a")).Properties.SubscriptionIdentifiers);
        Assert.Equal([300], (await subscriber.ReceivePublishAsync("to b")).Properties.SubscriptionIdentifiers);
    }

    /// <summary>
    /// Overlapping subscriptions give one PUBLISH, at the highest granted QoS, with both identifiers. The marker
    /// published after it by the same publisher comes next: no second copy is on its way.
    /// </summary>
    [Theory]
    [InlineData(MqttProtocolVersion.V500)]
    [InlineData(MqttProtocolVersion.V311)]
    public async Task MQTT_3_3_4_4_overlapping_subscriptions_get_one_copy_carrying_every_identifier(MqttProtocolVersion version)
    {
        await using var broker = await InProcessBroker.StartAsync();
        var subscriber = await broker.ConnectAsync("subscriber", version: version);
        var v5 = version == MqttProtocolVersion.V500;
        await subscriber.SubscribeAsync(new TopicSubscription("a/+", new SubscriptionOptions(QualityOfService.AtMostOnce)), subscriptionId: v5 ? 2 : 0);
        await subscriber.SubscribeAsync(Filter("a/#"), subscriptionId: v5 ? 3 : 0);
        await subscriber.SubscribeAsync(Filter("marker"));
        var publisher = await broker.ConnectAsync("publisher");

        await publisher.PublishAcknowledgedAsync("a/b", "once");
        await publisher.PublishAcknowledgedAsync("marker", "after");

        var once = await subscriber.ReceivePublishAsync("once");
        Assert.Equal(QualityOfService.AtLeastOnce, once.QoS);
        Assert.Equal(v5 ? [2, 3] : [], once.Properties.SubscriptionIdentifiers.Order());
        await subscriber.SendAsync(new PubAckPacket { PacketId = once.PacketId });
        await subscriber.ReceivePublishAsync("after");
    }

    [Fact]
    public async Task MQTT_3_8_3_3_No_Local_keeps_a_client_own_messages_from_it()
    {
        await using var broker = await InProcessBroker.StartAsync();
        var client = await broker.ConnectAsync("client");
        await client.SubscribeAsync(Filter("chat", noLocal: true));
        var other = await broker.ConnectAsync("other");
        await other.SubscribeAsync(Filter("chat"));

        await client.PublishAcknowledgedAsync("chat", "mine");
        await other.PublishAsync("chat", "theirs");

        await client.ReceivePublishAsync("theirs");
        await client.ExpectNothingAsync();
        await other.ReceivePublishAsync("mine"); // without No Local, a client gets its own messages
        await other.ReceivePublishAsync("theirs");
    }

    [Fact]
    public async Task MQTT_3_3_1_12_Retain_As_Published_keeps_the_RETAIN_flag_of_live_messages()
    {
        await using var broker = await InProcessBroker.StartAsync();
        var keeps = await broker.ConnectAsync("keeps");
        await keeps.SubscribeAsync(Filter("t", retainAsPublished: true));
        var clears = await broker.ConnectAsync("clears");
        await clears.SubscribeAsync(Filter("t"));
        var publisher = await broker.ConnectAsync("publisher");

        await publisher.PublishAcknowledgedAsync("t", "retained", retain: true);

        Assert.True((await keeps.ReceivePublishAsync("retained")).Retain);
        Assert.False((await clears.ReceivePublishAsync("retained")).Retain); // [MQTT-3.3.1-13]
    }

    [Fact]
    public async Task MQTT_3_3_1_10_Retain_Handling_1_sends_retained_messages_only_for_a_new_subscription()
    {
        await using var broker = await InProcessBroker.StartAsync();
        var publisher = await broker.ConnectAsync("publisher");
        await publisher.PublishAcknowledgedAsync("t", "retained", retain: true);
        var subscriber = await broker.ConnectAsync("subscriber");

        await subscriber.SubscribeAsync(Filter("t", retainHandling: RetainHandling.SendOnNewSubscribe));
        Assert.True((await subscriber.ReceivePublishAsync("retained")).Retain);
        await subscriber.SendAsync(new PubAckPacket { PacketId = 1 });

        await subscriber.SubscribeAsync(Filter("t", retainHandling: RetainHandling.SendOnNewSubscribe));
        await subscriber.ExpectNothingAsync();

        // Retain Handling 0 sends them again for the same subscription [MQTT-3.3.1-9].
        await subscriber.SubscribeAsync(Filter("t"));
        await subscriber.ReceivePublishAsync("retained");
    }

    [Fact]
    public async Task MQTT_3_3_1_11_Retain_Handling_2_sends_no_retained_messages()
    {
        await using var broker = await InProcessBroker.StartAsync();
        var publisher = await broker.ConnectAsync("publisher");
        await publisher.PublishAcknowledgedAsync("t", "retained", retain: true);
        var subscriber = await broker.ConnectAsync("subscriber");

        await subscriber.SubscribeAsync(Filter("t", retainHandling: RetainHandling.DoNotSend));

        await subscriber.ExpectNothingAsync();
        await publisher.PublishAcknowledgedAsync("t", "live");
        await subscriber.ReceivePublishAsync("live");
    }

    [Fact]
    public async Task MQTT_4_7_2_1_dollar_topics_are_not_matched_by_leading_wildcards_but_by_dollar_SYS_hash()
    {
        await using var broker = await InProcessBroker.StartAsync();
        var hash = await broker.ConnectAsync("hash");
        await hash.SubscribeAsync("#");
        var plus = await broker.ConnectAsync("plus");
        await plus.SubscribeAsync("+/x");
        // Every client connected before $SYS/# is subscribed to: the broker's own $SYS event of a later one would come first.
        var publisher = await broker.ConnectAsync("publisher");
        var sys = await broker.ConnectAsync("sys");
        await sys.SubscribeAsync("$SYS/#");

        await publisher.PublishAcknowledgedAsync("$SYS/x", "system");
        await publisher.PublishAcknowledgedAsync("a/x", "ordinary");

        await sys.ReceivePublishAsync("system");
        await hash.ReceivePublishAsync("ordinary");
        await plus.ReceivePublishAsync("ordinary");
        await hash.ExpectNothingAsync();
        await plus.ExpectNothingAsync();
    }
}
