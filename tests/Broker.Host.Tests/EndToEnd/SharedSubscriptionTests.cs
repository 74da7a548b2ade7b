using Broker.Host.Options;
using Broker.Host.Tests.EndToEnd.Support;
using Broker.Mqtt;
using Broker.Mqtt.Packets;

namespace Broker.Host.Tests.EndToEnd;

public sealed class SharedSubscriptionTests
{
    [Fact]
    public async Task Unacknowledged_QoS1_messages_of_a_member_that_goes_away_are_delivered_to_another_member()
    {
        // Round robin with two members: each gets every other message, so the first member surely holds some.
        await using var broker = await InProcessBroker.StartAsync(m => m.SharedSubscriptionStrategy = SharedSubscriptionStrategyName.RoundRobin);
        var leaving = await broker.ConnectAsync("leaving");
        await leaving.SubscribeAsync("$share/workers/jobs");
        var staying = await broker.ConnectAsync("staying");
        await staying.SubscribeAsync("$share/workers/jobs");
        var publisher = await broker.ConnectAsync("publisher");

        for (var i = 0; i < 4; i++)
        {
            await publisher.PublishAcknowledgedAsync("jobs", $"job {i}");
        }

        var heldByLeaving = new List<string>();
        var heldByStaying = new List<string>();
        for (var i = 0; i < 2; i++)
        {
            heldByLeaving.Add(MqttTestClient.PayloadOf(await leaving.ReceivePublishAsync()));
            var publish = await staying.ReceivePublishAsync();
            heldByStaying.Add(MqttTestClient.PayloadOf(publish));
            await staying.SendAsync(new PubAckPacket { PacketId = publish.PacketId });
        }

        leaving.Abort(); // never acknowledged its two

        var redelivered = new List<string>();
        for (var i = 0; i < 2; i++)
        {
            var publish = await staying.ReceivePublishAsync();
            redelivered.Add(MqttTestClient.PayloadOf(publish));
            await staying.SendAsync(new PubAckPacket { PacketId = publish.PacketId });
        }

        Assert.Equal(heldByLeaving.Order(), redelivered.Order());
        Assert.Equal(Enumerable.Range(0, 4).Select(i => $"job {i}"), heldByStaying.Concat(redelivered).Order());
        await staying.ExpectNothingAsync();
    }
}
