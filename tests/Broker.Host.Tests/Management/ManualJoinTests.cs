using System.Net;
using Broker.Host.Tests.EndToEnd.Support;
using Broker.Mqtt;
using Broker.Mqtt.Packets;

namespace Broker.Host.Tests.Management;

/// <summary>
/// Manual discovery over the management endpoint: nodes that serve clients alone until they are joined, then form one
/// cluster in which the subscriptions they already had reach the other node, and leave it again.
/// </summary>
public sealed class ManualJoinTests
{
    [Fact]
    public async Task A_node_that_joins_itself_forms_a_cluster_of_one_and_refuses_a_second_join()
    {
        await using var node = await ManagedNode.StartAsync("mgmt-self");

        await node.JoinAsync(node.ClusterEndpoint);

        await Eventually.True(async () => (await node.MemberStatusesAsync()).GetValueOrDefault(node.Runtime.NodeName) == "Up", "the node is Up");
        var (_, members) = await node.GetAsync("/cluster/members");
        Assert.True(members.GetProperty("clustered").GetBoolean());
        Assert.Equal(node.Runtime.NodeName, members.GetProperty("leader").GetString());
        Assert.Equal(node.Runtime.NodeName, members.GetProperty("oldest").GetString());
        Assert.Equal(node.Runtime.NodeName, node.Runtime.Cluster!.NodeName);
        Assert.Equal(HttpStatusCode.OK, (await node.GetAsync("/ready")).Status);

        foreach (var written in new[] { node.ClusterEndpoint, $"mgmt-self@{node.ClusterEndpoint}", Uri.EscapeDataString(node.Runtime.NodeName) })
        {
            var (status, member) = await node.GetAsync($"/cluster/members/{written}");
            Assert.Equal(HttpStatusCode.OK, status);
            Assert.Equal(node.Runtime.NodeName, member.GetProperty("node").GetString());
            Assert.Equal("Up", member.GetProperty("status").GetString());
            Assert.False(string.IsNullOrEmpty(member.GetProperty("nodeUid").GetString()));
        }

        var (again, refusal) = await node.SendAsync(HttpMethod.Post, "/cluster/members", new() { ["address"] = node.ClusterEndpoint });
        Assert.Equal(HttpStatusCode.Conflict, again);
        Assert.Contains("already in cluster", refusal.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Two_nodes_joined_while_serving_deliver_across_on_the_subscriptions_they_had()
    {
        await using var a = await ManagedNode.StartAsync("mgmt-pair");
        await using var b = await ManagedNode.StartAsync("mgmt-pair");
        var onA = await a.ConnectAsync("sub-a");
        await onA.SubscribeAsync("to-a/#");
        var onB = await b.ConnectAsync("sub-b");
        await onB.SubscribeAsync("to-b/#");
        var publisherA = await a.ConnectAsync("pub-a");
        var publisherB = await b.ConnectAsync("pub-b");

        await JoinedAsync(a, b);

        // The routes of the subscriptions made before the join spread by gossip: probes until one gets through.
        await UntilDeliveredAsync(publisherA, "to-b/x", onB);
        await UntilDeliveredAsync(publisherB, "to-a/x", onA);
    }

    [Fact]
    public async Task A_node_asked_to_leave_ends_its_cluster_as_asked_and_the_other_goes_on_alone()
    {
        await using var a = await ManagedNode.StartAsync("mgmt-leave");
        await using var b = await ManagedNode.StartAsync("mgmt-leave");
        await JoinedAsync(a, b);

        var (status, body) = await b.SendAsync(HttpMethod.Delete, $"/cluster/members/{b.ClusterEndpoint}");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.StartsWith($"Leaving {b.Runtime.NodeName}", body.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.True(await b.Runtime.ClusterEnded.WaitAsync(Eventually.Default), "B's cluster ended under it");
        Assert.True(b.Runtime.LeaveAsked);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await b.GetAsync("/ready")).Status);
        await Eventually.True(async () => (await a.MemberStatusesAsync()).Keys.SequenceEqual([a.Runtime.NodeName]), "A alone");
    }

    [Fact]
    public async Task A_node_downed_from_another_with_down_action_exit_has_lost_its_cluster()
    {
        await using var a = await ManagedNode.StartAsync("mgmt-down");
        await using var b = await ManagedNode.StartAsync("mgmt-down", configure: o => o.Cluster.DownAction = Broker.Host.Options.ClusterDownAction.Exit);
        await JoinedAsync(a, b);

        var (status, body) = await a.SendAsync(HttpMethod.Put, $"/cluster/members/{Uri.EscapeDataString(b.Runtime.NodeName)}", new() { ["operation"] = "Down" });

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal($"Downing {b.Runtime.NodeName}", body.GetProperty("message").GetString());
        Assert.True(await b.Runtime.ClusterEnded.WaitAsync(Eventually.Default), "B's cluster ended under it");
        Assert.False(b.Runtime.LeaveAsked);
        await Eventually.True(async () => (await a.MemberStatusesAsync()).Keys.SequenceEqual([a.Runtime.NodeName]), "A alone");
    }

    /// <summary>A joins its own cluster endpoint (a cluster of one), B joins A's; until both see both Up.</summary>
    private static async Task JoinedAsync(ManagedNode a, ManagedNode b)
    {
        await a.JoinAsync(a.ClusterEndpoint);
        await b.JoinAsync(a.ClusterEndpoint);
        foreach (var node in new[] { a, b })
        {
            await Eventually.True(async () =>
            {
                var statuses = await node.MemberStatusesAsync();
                return statuses.Count == 2 && statuses.Values.All(s => s == "Up");
            }, $"{node.Runtime.NodeName} sees both nodes Up");
        }
    }

    private static async Task UntilDeliveredAsync(MqttTestClient publisher, string topic, MqttTestClient subscriber)
    {
        var deadline = DateTime.UtcNow + Eventually.Default;
        for (var probe = 0; ; probe++)
        {
            await publisher.PublishAsync(topic, $"probe {probe}");
            using var wait = new CancellationTokenSource(TimeSpan.FromMilliseconds(250));
            if (await subscriber.TryReceivePublishAsync(wait.Token) is { } received)
            {
                Assert.Equal(topic, received.Topic);
                return;
            }

            Assert.True(DateTime.UtcNow < deadline, $"nothing published to {topic} arrived within {Eventually.Default}");
        }
    }
}
