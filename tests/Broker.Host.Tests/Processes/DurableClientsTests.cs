using Broker.Mqtt;

namespace Broker.Host.Tests.Processes;

/// <summary>The durability helpers against a running broker (no restart): they count what they should.</summary>
public sealed class DurableClientsTests
{
    [Theory]
    [InlineData(QualityOfService.AtLeastOnce, MqttProtocolVersion.V500)]
    [InlineData(QualityOfService.ExactlyOnce, MqttProtocolVersion.V500)]
    [InlineData(QualityOfService.ExactlyOnce, MqttProtocolVersion.V311)]
    public async Task Every_message_published_and_acknowledged_is_collected_once_by_a_persistent_subscriber(QualityOfService qos, MqttProtocolVersion version)
    {
        const int Count = 300;
        await using var broker = await BrokerProcess.StartAsync();
        var (subscriber, connAck) = await broker.ConnectPersistentAsync("sub", version);
        Assert.False(connAck.SessionPresent);
        await subscriber.SubscribeAsync("durable/#", qos);
        var publisher = await broker.ConnectAsync("pub", version: version);

        var collected = subscriber.CollectAsync(Count);
        await publisher.PublishManyAsync("durable/a", Count, qos);
        var deliveries = await collected;

        Assert.Empty(deliveries.Missing("m", Count));
        Assert.Empty(deliveries.Duplicates);
        Assert.All(deliveries.Application, d => Assert.Equal(qos, d.QoS));
        await subscriber.ExpectNothingAsync();
    }

    [Fact]
    public async Task A_persistent_session_reconnects_with_session_present()
    {
        await using var broker = await BrokerProcess.StartAsync();
        await broker.SubscribeOfflineAsync("sub", "durable/#", QualityOfService.AtLeastOnce);

        var (_, connAck) = await broker.ConnectPersistentAsync("sub");

        Assert.True(connAck.SessionPresent);
    }
}
