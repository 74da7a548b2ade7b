using Broker.Core.Messaging;
using Broker.Core.Routing;
using Broker.Core.Sessions;
using Broker.Mqtt;
using Broker.Mqtt.Packets;

namespace Broker.Core.Tests.Sessions;

public class MessageQueueTests
{
    [Fact]
    public void Dequeues_in_arrival_order_across_QoS_levels()
    {
        var queue = new MessageQueue(0);
        queue.Enqueue(Item("a", QualityOfService.AtLeastOnce));
        queue.Enqueue(Item("b", QualityOfService.AtMostOnce));
        queue.Enqueue(Item("c", QualityOfService.ExactlyOnce));
        queue.Enqueue(Item("d", QualityOfService.AtMostOnce));

        Assert.Equal(["a", "b", "c", "d"], DrainTopics(queue));
    }

    [Fact]
    public void Zero_means_unbounded()
    {
        var queue = new MessageQueue(0);
        for (var i = 0; i < 5000; i++)
        {
            Assert.Null(queue.Enqueue(Item(i.ToString(System.Globalization.CultureInfo.InvariantCulture), QualityOfService.AtLeastOnce)));
        }

        Assert.Equal(5000, queue.Count);
    }

    [Fact]
    public void When_full_the_oldest_QoS_0_message_is_dropped_first()
    {
        var queue = new MessageQueue(3);
        queue.Enqueue(Item("q1-old", QualityOfService.AtLeastOnce));
        queue.Enqueue(Item("q0-a", QualityOfService.AtMostOnce));
        queue.Enqueue(Item("q0-b", QualityOfService.AtMostOnce));

        var dropped = queue.Enqueue(Item("q1-new", QualityOfService.AtLeastOnce));

        Assert.Equal("q0-a", dropped!.Deliver.Message.Topic);
        Assert.Equal(["q1-old", "q0-b", "q1-new"], DrainTopics(queue));
    }

    [Fact]
    public void When_full_without_QoS_0_messages_the_oldest_is_dropped()
    {
        var queue = new MessageQueue(2);
        queue.Enqueue(Item("a", QualityOfService.AtLeastOnce));
        queue.Enqueue(Item("b", QualityOfService.ExactlyOnce));

        var dropped = queue.Enqueue(Item("c", QualityOfService.AtLeastOnce));

        Assert.Equal("a", dropped!.Deliver.Message.Topic);
        Assert.Equal(["b", "c"], DrainTopics(queue));
    }

    [Fact]
    public void A_new_QoS_0_message_is_dropped_itself_rather_than_an_older_QoS_1()
    {
        var queue = new MessageQueue(1);
        queue.Enqueue(Item("a", QualityOfService.AtLeastOnce));

        var incoming = Item("b", QualityOfService.AtMostOnce);
        Assert.Same(incoming, queue.Enqueue(incoming));
        Assert.Equal(["a"], DrainTopics(queue));
    }

    [Fact]
    public void RemoveWhere_returns_matches_in_order_and_keeps_the_rest()
    {
        var queue = new MessageQueue(0);
        queue.Enqueue(Item("x1", QualityOfService.AtLeastOnce));
        queue.Enqueue(Item("y1", QualityOfService.AtMostOnce));
        queue.Enqueue(Item("x2", QualityOfService.AtMostOnce));
        queue.Enqueue(Item("y2", QualityOfService.AtLeastOnce));
        queue.Enqueue(Item("x3", QualityOfService.ExactlyOnce));

        var removed = queue.RemoveWhere(q => q.Deliver.Message.Topic.StartsWith('x'));

        Assert.Equal(["x1", "x2", "x3"], removed.Select(q => q.Deliver.Message.Topic));
        Assert.Equal(["y1", "y2"], DrainTopics(queue));
    }

    private static QueuedDelivery Item(string topic, QualityOfService qos) => new(
        new Deliver(new ApplicationMessage { Topic = topic, QoS = qos }, "#", new SubscriptionOptions(qos), 0, null),
        qos);

    private static List<string> DrainTopics(MessageQueue queue)
    {
        var topics = new List<string>();
        while (queue.TryDequeue(out var item))
        {
            topics.Add(item.Deliver.Message.Topic);
        }

        return topics;
    }
}
