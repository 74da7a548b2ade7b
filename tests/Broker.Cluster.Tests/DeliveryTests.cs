using Broker.Core.Messaging;
using Broker.Core.Routing;
using Broker.Mqtt;
using Broker.Tests;

namespace Broker.Cluster.Tests;

/// <summary>Publishes dispatched on one node reach the others: acknowledged once they accepted, shared groups once in the cluster.</summary>
public sealed class DeliveryTests(ThreeNodeFixture fixture) : IClassFixture<ThreeNodeFixture>
{
    private ClusterOfThree Cluster => fixture.Cluster;

    [Fact]
    public async Task A_qos1_publish_completes_only_once_the_other_node_accepted_it()
    {
        var full = Cluster.B.Listen("full", "accept/+", full: true);
        await Eventually.True(() => Cluster.A.HasRoute("accept/+", Cluster.B.Name), "A has B's route");
        var completed = new TaskCompletionSource<PublishCommit>(TaskCreationOptions.RunContinuationsAsynchronously);
        var commit = new PublishCommit(c => completed.TrySetResult(c), waitsForStorage: false);
        var credit = new CountingCredit();

        Assert.Equal(1, Cluster.A.Dispatcher.Dispatch(Message("accept/1", QualityOfService.AtLeastOnce), credit, commit));
        Assert.False(commit.Seal(), "the publisher's share is released, B's is still held");

        await Eventually.True(() => !full.Deliveries.IsEmpty, "B's full subscriber got the message");
        await Eventually.True(() => credit.Held == 0, "the credit came back once B dispatched the batch");
        Assert.False(completed.Task.IsCompleted, "B has not accepted it while its subscriber has no room");

        full.Deliveries.Single().Admission!.Succeed();

        var done = await completed.Task.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.False(done.Failed);
    }

    [Fact]
    public async Task A_shared_group_with_members_on_three_nodes_gets_each_message_once()
    {
        var members = new[]
        {
            Cluster.A.Listen("ga", "$share/workers/jobs/#"),
            Cluster.B.Listen("gb", "$share/workers/jobs/#"),
            Cluster.C.Listen("gc", "$share/workers/jobs/#"),
        };
        await Eventually.True(
            () => Cluster.A.Routes.Nodes.Find("jobs/#")?.FindShared("workers")?.Nodes.Count == 2,
            "A knows the group's members on B and C");

        const int count = 300;
        for (var i = 0; i < count; i++)
        {
            Assert.Equal(1, Cluster.A.Dispatcher.Dispatch(Message($"jobs/{i}", QualityOfService.AtMostOnce)));
        }

        await Eventually.True(() => members.Sum(m => m.Deliveries.Count) >= count, "every message reached a member");
        var topics = members.SelectMany(m => m.Messages).Select(m => m.Topic).ToArray();
        Assert.Equal(count, topics.Length);
        Assert.Equal(count, topics.Distinct().Count());
        // Round robin over the three nodes: each gets a third.
        Assert.All(members, m => Assert.Equal(count / 3, m.Deliveries.Count));
    }

    [Fact]
    public void A_message_for_a_node_that_is_no_member_is_given_up_at_once()
    {
        var commit = new PublishCommit(_ => { }, waitsForStorage: false);
        var credit = new CountingCredit();

        Cluster.A.Cluster.Forwarder.Forward($"akka.tcp://broker-test-shared@127.0.0.1:{UnassignedPorts.Next()}", Message("gone", QualityOfService.AtLeastOnce), null, credit, commit, durable: false);

        Assert.True(commit.Seal(), "nobody joined the commit");
        Assert.Equal(0, credit.Held);
    }

    [Fact]
    public async Task A_member_that_answers_nothing_gives_the_publisher_back_after_the_stall_timeout()
    {
        var (a, hung) = await TestNode.StartWithHungAsync("broker-test-stall");
        await using var _ = a;
        await using var __ = hung;
        var completed = new TaskCompletionSource<PublishCommit>(TaskCreationOptions.RunContinuationsAsynchronously);
        var commit = new PublishCommit(c => completed.TrySetResult(c), waitsForStorage: false);
        var credit = new CountingCredit();

        a.Cluster.Forwarder.Forward(hung.Name, Message("stalled", QualityOfService.AtLeastOnce), null, credit, commit, durable: false);
        Assert.False(commit.Seal());
        Assert.Equal(1, credit.Held);

        var done = await completed.Task.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.False(done.Failed, "a stalled node's commit is left, as a stalled subscriber's");
        Assert.Equal(0, credit.Held);

        // Under sync durability too, and the next one as well (nothing is held for it until it answers).
        var nextDone = new TaskCompletionSource<PublishCommit>(TaskCreationOptions.RunContinuationsAsynchronously);
        var next = new PublishCommit(c => nextDone.TrySetResult(c), waitsForStorage: true);
        a.Cluster.Forwarder.Forward(hung.Name, Message("stalled", QualityOfService.AtLeastOnce), null, null, next, durable: false);
        if (!next.Seal())
        {
            Assert.False((await nextDone.Task.WaitAsync(TimeSpan.FromSeconds(10))).Failed);
        }
    }

    private static ApplicationMessage Message(string topic, QualityOfService qos) =>
        new() { Topic = topic, Payload = "x"u8.ToArray(), QoS = qos, PublisherId = "publisher" };

    private sealed class CountingCredit : IInboundCredit
    {
        private int _held;

        public int Held => Volatile.Read(ref _held);

        public void Take(int count) => Interlocked.Add(ref _held, count);

        public void Return() => Interlocked.Decrement(ref _held);
    }
}
