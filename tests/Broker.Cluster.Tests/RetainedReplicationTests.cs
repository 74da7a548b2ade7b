using Broker.Core.Retained;

namespace Broker.Cluster.Tests;

/// <summary>Retained messages on every node of one cluster: sets, deletions, conflicts and expiry.</summary>
public sealed class RetainedReplicationTests(ThreeNodeFixture fixture) : IClassFixture<ThreeNodeFixture>
{
    private ClusterOfThree Cluster => fixture.Cluster;

    [Fact]
    public async Task A_retained_message_set_on_one_node_is_read_on_the_others_with_the_same_version()
    {
        await Synchronized();

        await Cluster.A.Retain("hall/1/light", "on");

        foreach (var node in Cluster.Nodes)
        {
            await Eventually.True(() => node.RetainedPayload("hall/1/light") == "on", $"{node.Name} has the retained message");
        }

        var version = Cluster.A.Retainer.FindChange("hall/1/light")!.Version;
        Assert.Equal(Cluster.A.Name, version.Node);
        Assert.All(Cluster.Nodes, node => Assert.Equal(version, node.Retainer.FindChange("hall/1/light")!.Version));
    }

    [Fact]
    public async Task A_deletion_on_one_node_removes_the_message_everywhere_and_an_older_set_cannot_bring_it_back()
    {
        await Synchronized();
        await Cluster.A.Retain("hall/2/light", "on");
        await Eventually.True(() => Cluster.Nodes.All(n => n.RetainedPayload("hall/2/light") == "on"), "every node has the message");
        var set = Cluster.C.Retainer.FindChange("hall/2/light")!;

        await Cluster.B.Retain("hall/2/light", "");

        foreach (var node in Cluster.Nodes)
        {
            await Eventually.True(() => node.RetainedPayload("hall/2/light") is null, $"{node.Name} deleted the message");
            Assert.True(node.Retainer.FindChange("hall/2/light")!.IsDeletion, $"{node.Name} keeps a tombstone");
        }

        // The set, arriving late (delayed in flight, or from a node that was away): the tombstone is newer.
        Assert.False(Cluster.C.Retainer.ApplyRemote(set));
        Assert.Null(Cluster.C.RetainedPayload("hall/2/light"));
    }

    [Fact]
    public async Task Concurrent_sets_of_one_topic_on_three_nodes_end_as_one_value_on_every_node()
    {
        await Synchronized();
        var topics = Enumerable.Range(0, 50).Select(i => $"race/{i}").ToArray();
        using var start = new Barrier(Cluster.Nodes.Length);

        // Each node sets every topic at once from its own thread: many changes meet on the same millisecond, where the
        // node name decides.
        await Task.WhenAll(Cluster.Nodes.Select(node => Task.Run(async () =>
        {
            start.SignalAndWait(TimeSpan.FromSeconds(10));
            foreach (var topic in topics)
            {
                await node.Retain(topic, $"from {node.Name}");
            }
        })));

        foreach (var topic in topics)
        {
            await Eventually.True(
                () => Cluster.Nodes.Select(n => n.Retainer.FindChange(topic)?.Version).Distinct().Count() == 1,
                $"every node has one version of {topic}");
            var winner = Cluster.A.Retainer.FindChange(topic)!;
            Assert.Equal($"from {winner.Version.Node}", Cluster.A.RetainedPayload(topic));
            Assert.All(Cluster.Nodes, n => Assert.Equal(Cluster.A.RetainedPayload(topic), n.RetainedPayload(topic)));
        }
    }

    [Fact]
    public async Task A_retained_message_expires_on_every_node_when_it_expires_where_it_was_published()
    {
        await Synchronized();
        var receivedAt = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() - 58_500;

        // Published 58.5 s ago with a 60 s expiry: it expires in 1.5 s, wherever it is held.
        await Cluster.C.Retain("hall/3/light", "brief", expirySeconds: 60, receivedAtMs: receivedAt);

        await Eventually.True(() => Cluster.A.RetainedPayload("hall/3/light") == "brief", "A has the message before it expires");
        foreach (var node in Cluster.Nodes)
        {
            await Eventually.True(() => node.RetainedPayload("hall/3/light") is null, $"{node.Name} no longer serves it");
            Assert.Equal(receivedAt, node.Retainer.FindChange("hall/3/light")?.Message?.ReceivedAtMs);
        }

        await Task.WhenAll(Cluster.Nodes.Select(n => n.Retainer.PurgeExpiredAsync()));
        Assert.All(Cluster.Nodes, n => Assert.Null(n.Retainer.FindChange("hall/3/light")));
    }

    [Fact]
    public void A_change_crosses_in_the_wire_format_whole()
    {
        var change = new RetainedChange(
            "plant/état/1",
            new Core.Messaging.ApplicationMessage
            {
                Topic = "plant/état/1",
                Payload = new byte[300_000],
                Retain = true,
                ReceivedAtMs = 1_765_000_000_000,
                Properties = new Mqtt.Properties.MqttProperties { ContentType = "application/octet-stream", MessageExpiryInterval = 3600 },
            },
            new RetainedVersion(1_765_000_000_123, "akka.tcp://x@h:1"));

        var back = Retained.RetainedChangeFormat.Deserialize(Retained.RetainedChangeFormat.Serialize(change));
        Assert.Equal(change.Topic, back.Topic);
        Assert.Equal(change.Version, back.Version);
        Assert.Equal(change.Message!.Payload.Length, back.Message!.Payload.Length);
        Assert.Equal("application/octet-stream", back.Message.Properties.ContentType);
        var deletion = new RetainedChange("a", null, new RetainedVersion(5, "n"));
        Assert.Equal(deletion, Retained.RetainedChangeFormat.Deserialize(Retained.RetainedChangeFormat.Serialize(deletion)));
        Assert.Throws<InvalidDataException>(() => Retained.RetainedChangeFormat.Deserialize(Retained.RetainedChangeFormat.Serialize(change)[..100]));
    }

    private Task Synchronized() =>
        Task.WhenAll(Cluster.Nodes.Select(n => n.Cluster.Retained.WhenSynchronized)).WaitAsync(Eventually.Default);
}
