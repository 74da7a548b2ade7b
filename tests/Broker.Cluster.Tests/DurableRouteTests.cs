using Broker.Core.Messaging;
using Broker.Core.Routing;
using Broker.Mqtt;
using Broker.Tests;

namespace Broker.Cluster.Tests;

/// <summary>
/// A publish under sync durability for another node's durable sessions is never acknowledged for them unless that node
/// accepted it: held while the node is a member and answers nothing, then until its sessions are adopted elsewhere once
/// it is removed, and failed then (the publisher sends it again, to the adopted sessions).
/// </summary>
public sealed class DurableRouteTests
{
    [Fact]
    public async Task A_durable_forward_is_held_past_the_stall_timeout_and_the_removal_and_fails_once_the_sessions_are_adopted()
    {
        var (a, hung) = await TestNode.StartWithHungAsync("broker-test-durable-stall");
        await using var _ = a;
        await using var __ = hung;
        var durable = new Outcome(waitsForStorage: true);
        var plain = new Outcome(waitsForStorage: true);

        a.Cluster.Forwarder.Forward(hung.Name, Message("held"), null, null, durable.Commit, durable: true);
        a.Cluster.Forwarder.Forward(hung.Name, Message("left"), null, null, plain.Commit, durable: false);
        Assert.False(durable.Commit.Seal());
        Assert.False(plain.Commit.Seal());

        Assert.False((await plain.Done.WaitAsync(TimeSpan.FromSeconds(10))).Failed, "a commit for no durable session is left at the stall");
        Assert.False(durable.Done.IsCompleted, "the durable one is still held, the stall past");

        var removed = hung.Name;
        await hung.DisposeAsync();
        await Eventually.True(() => a.Cluster.Members.Members.Count == 1, "the hung node removed");
        Assert.False(durable.Done.IsCompleted, "held while the removed node's sessions are adopted");

        a.Cluster.Sessions.AdoptionCompleted(removed);

        Assert.True((await durable.Done.WaitAsync(TimeSpan.FromSeconds(10))).Failed, "failed once they are: the publisher sends it again");
    }

    [Fact]
    public async Task A_removed_nodes_durable_routes_stay_until_its_sessions_are_adopted_and_fail_publishes_meanwhile()
    {
        await using var cluster = await ClusterOfThree.StartAsync("broker-test-durable-routes");
        cluster.C.Subscribe("machine", "plant/#", durable: true);
        cluster.B.Subscribe("dashboard", "plant/#");
        await Eventually.True(() => DurableNodes(cluster.A, "plant/#").Contains(cluster.C.Name) && cluster.A.HasRoute("plant/#", cluster.B.Name), "A has C's durable route and B's plain one");
        var removed = cluster.C.Name;

        await cluster.C.DisposeAsync();
        await Eventually.True(() => !cluster.A.HasRoute("plant/#", removed), "A dropped C's plain route");
        Assert.Contains(removed, DurableNodes(cluster.A, "plant/#"));

        var waiting = new Outcome(waitsForStorage: true);
        Assert.Equal(2, cluster.A.Dispatcher.Dispatch(Message("plant/1"), credit: null, waiting.Commit));
        waiting.Seal();

        var notWaiting = new Outcome(waitsForStorage: false);
        Assert.Equal(1, cluster.A.Dispatcher.Dispatch(Message("plant/1"), credit: null, notWaiting.Commit));
        notWaiting.Seal();
        Assert.False((await notWaiting.Done.WaitAsync(TimeSpan.FromSeconds(10))).Failed, "a publish that waits for no storage is not held back");

        Assert.False(waiting.Done.IsCompleted, "nobody keeps it for C's sessions yet: held until they are adopted");

        cluster.A.Cluster.Sessions.AdoptionCompleted(removed);
        Assert.True((await waiting.Done.WaitAsync(TimeSpan.FromSeconds(10))).Failed, "then failed, to be sent again");
        await Eventually.True(() => DurableNodes(cluster.A, "plant/#").Count == 0, "C's durable route is gone once its sessions are adopted");
        Assert.True(cluster.A.HasRoute("plant/#", cluster.B.Name));
    }

    private static IReadOnlyList<string> DurableNodes(TestNode node, string filter) => node.Routes.Nodes.Find(filter)?.DurableNodes ?? [];

    private static ApplicationMessage Message(string topic) =>
        new() { Topic = topic, Payload = "x"u8.ToArray(), QoS = QualityOfService.AtLeastOnce, PublisherId = "publisher" };

    /// <summary>A commit and the task its completion sets.</summary>
    private sealed class Outcome
    {
        private readonly TaskCompletionSource<PublishCommit> _done = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Outcome(bool waitsForStorage) => Commit = new PublishCommit(c => _done.TrySetResult(c), waitsForStorage);

        public PublishCommit Commit { get; }

        public Task<PublishCommit> Done => _done.Task;

        /// <summary>The publisher's share released: a commit that nobody holds any more completes here, with no call.</summary>
        public void Seal()
        {
            if (Commit.Seal())
            {
                _done.TrySetResult(Commit);
            }
        }
    }
}
