using Broker.Host.Configuration;
using Broker.Host.Tests.EndToEnd.Support;
using Broker.Mqtt;
using Broker.Mqtt.Packets;
using Broker.Mqtt.Properties;

namespace Broker.Host.Tests.EndToEnd;

/// <summary>The <c>mqtt</c> limits of the configuration, as a 5.0 client meets them: CONNACK properties and reason codes.</summary>
public sealed class LimitTests
{
    private static async Task ExpectDisconnect(MqttTestClient client, ReasonCode reason)
    {
        Assert.Equal(reason, (await client.ReceiveAsync<DisconnectPacket>()).ReasonCode);
        await client.ExpectClosedAsync();
    }

    [Fact]
    public async Task MQTT_3_2_2_15_a_packet_above_max_packet_size_gets_DISCONNECT_0x95()
    {
        await using var broker = await InProcessBroker.StartAsync(m => m.MaxPacketSize = ByteSize.FromKilobytes(1));
        var client = await broker.OpenAsync();
        var connAck = await client.ConnectAsync("client");
        Assert.Equal(1024u, connAck.Properties.MaximumPacketSize);

        await client.PublishAsync("t", new string('x', 2000), QualityOfService.AtLeastOnce);

        await ExpectDisconnect(client, ReasonCode.PacketTooLarge);
    }

    [Fact]
    public async Task MQTT_3_2_2_9_max_qos_downgrades_the_granted_QoS_of_SUBACK()
    {
        await using var broker = await InProcessBroker.StartAsync(m => m.MaxQosAllowed = 1);
        var client = await broker.OpenAsync();
        Assert.Equal(QualityOfService.AtLeastOnce, (await client.ConnectAsync("client")).Properties.MaximumQoS);

        var subAck = await client.SubscribeAsync("t", QualityOfService.ExactlyOnce);

        Assert.Equal([ReasonCode.GrantedQoS1], subAck.ReasonCodes);
    }

    [Fact]
    public async Task MQTT_3_2_2_11_a_PUBLISH_above_max_qos_gets_DISCONNECT_0x9B()
    {
        await using var broker = await InProcessBroker.StartAsync(m => m.MaxQosAllowed = 1);
        var client = await broker.ConnectAsync("client");

        await client.PublishAsync("t", "x", QualityOfService.ExactlyOnce);

        await ExpectDisconnect(client, ReasonCode.QoSNotSupported);
    }

    [Fact]
    public async Task MQTT_3_2_2_14_a_retained_PUBLISH_while_retain_is_unavailable_gets_DISCONNECT_0x9A()
    {
        await using var broker = await InProcessBroker.StartAsync(m => m.RetainAvailable = false);
        var client = await broker.OpenAsync();
        Assert.False((await client.ConnectAsync("client")).Properties.RetainAvailable);

        await client.PublishAsync("t", "x", QualityOfService.AtLeastOnce, retain: true);

        await ExpectDisconnect(client, ReasonCode.RetainNotSupported);
    }

    [Fact]
    public async Task A_wildcard_filter_while_wildcards_are_unavailable_gets_SUBACK_0xA2()
    {
        await using var broker = await InProcessBroker.StartAsync(m => m.WildcardSubscription = false);
        var client = await broker.OpenAsync();
        Assert.False((await client.ConnectAsync("client")).Properties.WildcardSubscriptionAvailable);

        Assert.Equal([ReasonCode.WildcardSubscriptionsNotSupported], (await client.SubscribeAsync("a/+")).ReasonCodes);
        Assert.Equal([ReasonCode.GrantedQoS1], (await client.SubscribeAsync("a/b")).ReasonCodes);
    }

    [Fact]
    public async Task A_shared_filter_while_shared_subscriptions_are_unavailable_gets_SUBACK_0x9E()
    {
        await using var broker = await InProcessBroker.StartAsync(m => m.SharedSubscription = false);
        var client = await broker.OpenAsync();
        Assert.False((await client.ConnectAsync("client")).Properties.SharedSubscriptionAvailable);

        Assert.Equal([ReasonCode.SharedSubscriptionsNotSupported], (await client.SubscribeAsync("$share/g/t")).ReasonCodes);
    }

    [Fact]
    public async Task Topics_and_filters_deeper_than_max_topic_levels_are_refused()
    {
        await using var broker = await InProcessBroker.StartAsync(m => m.MaxTopicLevels = 3);
        var client = await broker.ConnectAsync("client");

        Assert.Equal([ReasonCode.TopicFilterInvalid], (await client.SubscribeAsync("a/b/c/d")).ReasonCodes);
        Assert.Equal([ReasonCode.GrantedQoS1], (await client.SubscribeAsync("a/b/c")).ReasonCodes);
        await client.PublishAsync("a/b/c/d", "x", QualityOfService.AtLeastOnce);

        await ExpectDisconnect(client, ReasonCode.TopicNameInvalid);
    }

    [Fact]
    public async Task A_session_expiry_above_the_maximum_is_capped_and_the_cap_returned_in_CONNACK()
    {
        await using var broker = await InProcessBroker.StartAsync(m => m.SessionExpiryInterval = Duration.FromSeconds(60));
        var client = await broker.OpenAsync();

        var connAck = await client.ConnectAsync("client", c => c with { Properties = new MqttProperties { SessionExpiryInterval = 3600 } });

        Assert.Equal(60u, connAck.Properties.SessionExpiryInterval);
    }

    [Fact]
    public async Task A_session_expiry_within_the_maximum_is_not_echoed()
    {
        await using var broker = await InProcessBroker.StartAsync(m => m.SessionExpiryInterval = Duration.FromSeconds(60));
        var client = await broker.OpenAsync();

        var connAck = await client.ConnectAsync("client", c => c with { Properties = new MqttProperties { SessionExpiryInterval = 30 } });

        Assert.Null(connAck.Properties.SessionExpiryInterval);
    }
}
