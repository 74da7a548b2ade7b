using Broker.Core.Messaging;
using Broker.Mqtt;
using Broker.Mqtt.Properties;

namespace Broker.Cluster.Tests;

public sealed class ClusterTests(ThreeNodeFixture fixture) : IClassFixture<ThreeNodeFixture>
{
    private ClusterOfThree Cluster => fixture.Cluster;

    [Fact]
    public void Nodes_form_one_cluster_with_a_leader_and_an_oldest()
    {
        foreach (var node in Cluster.Nodes)
        {
            var members = node.Cluster.Members;
            Assert.Equal(node.Name, members.SelfNode);
            Assert.True(node.Cluster.IsUp);
            Assert.Equal(
                Cluster.Nodes.Select(n => n.Name).Order(StringComparer.Ordinal),
                members.Members.Select(m => m.Node).Order(StringComparer.Ordinal));
            Assert.All(members.Members, m => Assert.Equal(ClusterMemberStatus.Up, m.Status));
            Assert.Empty(members.Unreachable);
            Assert.NotNull(members.Leader);
            Assert.Equal(Cluster.A.Name, members.Oldest);
            Assert.Equal(ClusterMemberStatus.Up, members.SelfStatus);
            Assert.All(members.Members, m => Assert.NotEmpty(m.NodeUid));
            Assert.Equal(members.Members.SelectMany(m => m.Roles).Distinct().Order(StringComparer.Ordinal), members.OldestPerRole.Keys);
            Assert.All(members.OldestPerRole.Values, oldest => Assert.Equal(Cluster.A.Name, oldest));
        }
    }

    [Fact]
    public async Task A_route_added_on_one_node_reaches_the_others_and_leaves_with_its_last_subscriber()
    {
        Cluster.A.Subscribe("c1", "plant/+/temperature");
        Cluster.A.Subscribe("c2", "plant/+/temperature");
        await Eventually.True(() => Cluster.B.HasRoute("plant/+/temperature", Cluster.A.Name), "B has A's route");
        await Eventually.True(() => Cluster.C.HasRoute("plant/+/temperature", Cluster.A.Name), "C has A's route");

        Cluster.A.Unsubscribe("c1", "plant/+/temperature");
        // A's route goes out to the others only with A's own, which stays while a subscriber does.
        Assert.True(Cluster.A.HasRoute("plant/+/temperature", Cluster.A.Name), "one subscriber remains on A");
        Assert.True(Cluster.B.HasRoute("plant/+/temperature", Cluster.A.Name), "one subscriber remains on A");

        Cluster.A.Unsubscribe("c2", "plant/+/temperature");
        await Eventually.True(() => !Cluster.B.HasRoute("plant/+/temperature", Cluster.A.Name), "B dropped A's route");
        await Eventually.True(() => !Cluster.C.HasRoute("plant/+/temperature", Cluster.A.Name), "C dropped A's route");
    }

    [Fact]
    public async Task Many_routes_from_two_nodes_spread_over_the_keys_and_reach_the_third()
    {
        var filters = Enumerable.Range(0, 500).Select(i => $"site/{i}/#").ToArray();
        foreach (var filter in filters)
        {
            Cluster.A.Subscribe("many-a", filter);
            Cluster.B.Subscribe("many-b", filter);
        }

        await Eventually.True(
            () => filters.All(f => Cluster.C.HasRoute(f, Cluster.A.Name) && Cluster.C.HasRoute(f, Cluster.B.Name)),
            "C has all 1,000 routes of A and B");
        await Eventually.True(() => filters.All(f => Cluster.A.Routes.Nodes.Find(f)?.Nodes.Count == 2), "A has itself and B for each filter");

        foreach (var filter in filters)
        {
            Cluster.A.Unsubscribe("many-a", filter);
            Cluster.B.Unsubscribe("many-b", filter);
        }

        await Eventually.True(() => filters.All(f => Cluster.C.Routes.Nodes.Find(f) is null), "C dropped all of them");
    }

    [Fact]
    public async Task A_forwarded_message_arrives_whole_at_the_other_nodes_callback()
    {
        var message = new ApplicationMessage
        {
            Topic = "plant/line1/temperature",
            Payload = "21.5"u8.ToArray(),
            QoS = QualityOfService.ExactlyOnce,
            Retain = true,
            PublisherId = "sensor-7",
            ReceivedAtMs = 1_765_000_000_000,
            Properties = new MqttProperties
            {
                ContentType = "text/plain",
                ResponseTopic = "plant/replies",
                CorrelationData = new byte[] { 1, 2, 3 },
                MessageExpiryInterval = 600,
                UserProperties = [new UserProperty("unit", "C"), new UserProperty("unit", "K")],
            },
        };
        var inbox = Cluster.B.Listen("whole", "plant/line1/temperature");

        Cluster.A.Cluster.Forwarder.Forward(Cluster.B.Name, message, null, null, null, durable: false);

        await Eventually.True(() => !inbox.Deliveries.IsEmpty, "B received the message");
        var received = inbox.Messages.Single();
        Assert.Equal(message.Topic, received.Topic);
        Assert.Equal(message.Payload.ToArray(), received.Payload.ToArray());
        Assert.Equal(message.QoS, received.QoS);
        Assert.Equal(message.Retain, received.Retain);
        Assert.Equal(message.PublisherId, received.PublisherId);
        Assert.Equal(message.ReceivedAtMs, received.ReceivedAtMs);
        Assert.Equal(message.Properties.ContentType, received.Properties.ContentType);
        Assert.Equal(message.Properties.ResponseTopic, received.Properties.ResponseTopic);
        Assert.Equal(message.Properties.CorrelationData!.Value.ToArray(), received.Properties.CorrelationData?.ToArray());
        Assert.Equal(message.Properties.MessageExpiryInterval, received.Properties.MessageExpiryInterval);
        Assert.Equal(message.Properties.UserProperties, received.Properties.UserProperties);
    }

    [Fact]
    public async Task A_message_of_the_mqtt_max_packet_size_crosses()
    {
        var payload = new byte[1024 * 1024];
        Random.Shared.NextBytes(payload);
        var inbox = Cluster.A.Listen("big", "big");

        Cluster.C.Cluster.Forwarder.Forward(Cluster.A.Name, new ApplicationMessage { Topic = "big", Payload = payload }, null, null, null, durable: false);

        await Eventually.True(() => !inbox.Deliveries.IsEmpty, "A received the 1 MB message");
        var received = inbox.Messages.Single();
        Assert.Equal(payload, received.Payload.ToArray());
    }

    [Fact]
    public async Task Messages_whose_properties_are_large_never_make_a_batch_larger_than_the_frame()
    {
        // About 700 KB each in user properties, a tiny payload: three in one batch would pass the 2 MB frame.
        var properties = new MqttProperties { UserProperties = [new UserProperty("blob", new string('x', 700_000))] };
        var inbox = Cluster.B.Listen("large", "large/+");
        for (var i = 0; i < 3; i++)
        {
            Cluster.A.Cluster.Forwarder.Forward(Cluster.B.Name, new ApplicationMessage { Topic = $"large/{i}", Payload = "p"u8.ToArray(), Properties = properties }, null, null, null, durable: false);
        }

        await Eventually.True(() => inbox.Deliveries.Count >= 3, "B received all three");
        Assert.Equal(["large/0", "large/1", "large/2"], inbox.Messages.Select(m => m.Topic));
    }

    [Fact]
    public async Task Messages_forwarded_from_one_thread_arrive_in_order()
    {
        var inbox = Cluster.C.Listen("order", "order");
        for (var i = 0; i < 1_000; i++)
        {
            Cluster.B.Cluster.Forwarder.Forward(Cluster.C.Name, new ApplicationMessage { Topic = "order", Payload = BitConverter.GetBytes(i) }, null, null, null, durable: false);
        }

        await Eventually.True(() => inbox.Deliveries.Count >= 1_000, "C received all 1,000");
        Assert.Equal(Enumerable.Range(0, 1_000), inbox.Messages.Select(m => BitConverter.ToInt32(m.Payload.Span)));
    }
}
