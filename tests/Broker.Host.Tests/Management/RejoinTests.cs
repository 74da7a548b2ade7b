using System.Net;
using Broker.Host.Options;
using Broker.Host.Tests.EndToEnd.Support;
using Broker.Mqtt;
using Broker.Mqtt.Packets;

namespace Broker.Host.Tests.Management;

/// <summary>
/// A node whose cluster ends under it (downed) with <c>cluster.down_action = rejoin</c>, the default: it disconnects its
/// clients, refuses new ones and answers /ready with 503 while it is out, then rejoins by itself, as a new incarnation at
/// the same address, through the members it last saw.
/// </summary>
public sealed class RejoinTests
{
    [Fact]
    public async Task A_downed_node_disconnects_its_clients_refuses_new_ones_until_it_has_rejoined_then_serves_again()
    {
        await using var node = await ManagedNode.StartAsync("rejoin-self");
        await node.JoinAsync(node.ClusterEndpoint);
        await Eventually.True(() => node.Runtime.Cluster!.IsUp, "the node is Up");
        var first = node.Runtime.Cluster!;
        var firstUid = await UidAsync(node);
        var connected = await node.ConnectAsync("before-down");
        // The rejoin waits in its hook until the test has seen the node out of its cluster.
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var rejoinedWith = new TaskCompletionSource<Broker.Cluster.BrokerCluster>(TaskCreationOptions.RunContinuationsAsynchronously);
        node.Runtime.ClusterRejoined += cluster =>
        {
            rejoinedWith.TrySetResult(cluster);
            release.Task.Wait(TimeSpan.FromSeconds(30));
        };

        var (status, _) = await node.SendAsync(HttpMethod.Put, $"/cluster/members/{node.ClusterEndpoint}", new() { ["operation"] = "Down" });
        Assert.Equal(HttpStatusCode.OK, status);

        var disconnect = Assert.IsType<DisconnectPacket>(await connected.ReceiveOrCloseAsync());
        Assert.Equal(ReasonCode.ServerShuttingDown, disconnect.ReasonCode);
        var rejoined = await rejoinedWith.Task.WaitAsync(Eventually.Default);
        Assert.NotSame(first, rejoined);
        Assert.True(first.Terminated.IsCompleted);
        Assert.True(rejoined.IsUp);
        using (var refused = await MqttTestClient.OpenAsync(node.MqttEndPoint, MqttProtocolVersion.V500, receiveBufferSize: null, read: true))
        {
            var connAck = await refused.SendConnectAsync(new ConnectPacket { ClientId = "while-out", CleanStart = true });
            Assert.Equal(ReasonCode.ServerUnavailable, connAck.ReasonCode);
        }

        var (notReady, body) = await node.GetAsync("/ready");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, notReady);
        Assert.Contains("out of its cluster", body.GetRawText(), StringComparison.Ordinal);

        release.SetResult();
        await Eventually.True(async () => (await node.GetAsync("/ready")).Status == HttpStatusCode.OK, "ready again");
        Assert.Same(rejoined, node.Runtime.Cluster);
        Assert.Equal(1, node.Runtime.Rejoins);
        Assert.NotEqual(firstUid, await UidAsync(node));
        Assert.Equal(first.NodeName, rejoined.NodeName);
        await node.ConnectAsync("after-rejoin");
        Assert.False(node.Runtime.ClusterEnded.IsCompleted);
    }

    [Fact]
    public async Task A_node_downed_from_another_rejoins_it_by_itself_and_the_pair_delivers_across_again()
    {
        await using var a = await ManagedNode.StartAsync("rejoin-pair");
        await using var b = await ManagedNode.StartAsync("rejoin-pair");
        await a.JoinAsync(a.ClusterEndpoint);
        await Eventually.True(() => a.Runtime.Cluster!.IsUp, "A is Up");
        await b.JoinAsync(a.ClusterEndpoint);
        await Eventually.True(async () => (await a.MemberStatusesAsync()).Values.Count(s => s == "Up") == 2, "both Up in A's view");
        var firstB = b.Runtime.Cluster!;

        var (status, _) = await a.SendAsync(HttpMethod.Put, $"/cluster/members/{b.ClusterEndpoint}", new() { ["operation"] = "Down" });
        Assert.Equal(HttpStatusCode.OK, status);

        await Eventually.True(() => b.Runtime.Rejoins == 1, "B rejoined");
        Assert.True(firstB.Terminated.IsCompleted);
        await Eventually.True(async () => await a.MemberStatusesAsync() is { Count: 2 } members && members.Values.All(s => s == "Up"), "both Up in A's view again");
        Assert.False(b.Runtime.ClusterEnded.IsCompleted);
        var onB = await b.ConnectAsync("sub-b");
        await onB.SubscribeAsync("to-b/#");
        var publisher = await a.ConnectAsync("pub-a");
        await Eventually.True(async () =>
        {
            await publisher.PublishAcknowledgedAsync("to-b/x", "probe");
            using var quiet = new CancellationTokenSource(TimeSpan.FromMilliseconds(250));
            return await onB.TryReceivePublishAsync(quiet.Token) is not null;
        }, "a message from A reaches B's subscriber");
    }

    [Fact]
    public async Task With_down_action_exit_a_downed_node_ends_its_cluster_for_good()
    {
        await using var node = await ManagedNode.StartAsync("rejoin-exit", configure: o => o.Cluster.DownAction = ClusterDownAction.Exit);
        await node.JoinAsync(node.ClusterEndpoint);
        await Eventually.True(() => node.Runtime.Cluster!.IsUp, "the node is Up");

        node.Runtime.Cluster!.Down(node.Runtime.NodeName);

        Assert.True(await node.Runtime.ClusterEnded.WaitAsync(Eventually.Default), "the cluster ended for good");
        Assert.False(node.Runtime.LeaveAsked);
        Assert.Equal(0, node.Runtime.Rejoins);
    }

    private static async Task<string?> UidAsync(ManagedNode node)
    {
        var (_, member) = await node.GetAsync($"/cluster/members/{node.ClusterEndpoint}");
        return member.GetProperty("nodeUid").GetString();
    }
}
