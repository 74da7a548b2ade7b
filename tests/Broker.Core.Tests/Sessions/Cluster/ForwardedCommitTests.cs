using Broker.Core.Messaging;
using Broker.Core.Routing;
using Broker.Core.Sessions;
using Broker.Core.Sessions.Cluster;
using Broker.Core.Tests.Sessions.Cluster.Support;
using Broker.Mqtt;
using Broker.Mqtt.Packets;

namespace Broker.Core.Tests.Sessions.Cluster;

/// <summary>
/// A delivery that reaches the old session during a move while its publisher waits for storage (sync durability): the
/// publisher is answered once the new node has committed it, or told it failed if the new node never says so.
/// </summary>
public sealed class ForwardedCommitTests : ClusterSessionTests
{
    [Fact]
    public void The_publisher_is_answered_once_the_new_node_has_the_forwarded_message()
    {
        var (commit, completed) = MoveWithForwardedCommit();

        Assert.False(commit.IsComplete);
        Network.ReleaseMessages();
        Assert.True(completed.Wait(ClusterNodeTimeout), "the publisher answered once the new node committed");
        Assert.False(commit.Failed);
    }

    [Fact]
    public void The_publisher_is_told_it_failed_when_the_new_node_never_answers()
    {
        var (commit, completed) = MoveWithForwardedCommit();

        Time.Advance(SessionActor.TransferBound);
        Assert.True(completed.Wait(ClusterNodeTimeout), "the publisher answered when the move gave up");
        Assert.True(commit.Failed);
    }

    private static readonly TimeSpan ClusterNodeTimeout = ClusterNode.Timeout;

    /// <summary>A moves c to B; a delivery with a commit reaches A's session while B's answers (and its resume) are held.</summary>
    private (PublishCommit Commit, ManualResetEventSlim Completed) MoveWithForwardedCommit()
    {
        var a = Node("A");
        var b = Node("B");
        var (first, opened, _) = a.Open("c");
        Subscribe(opened.Session, first, "t/#");
        Network.HoldMessage = (_, m) => m is TransferResumed or TransferStored;
        var (_, moved, _) = b.Open("c");
        Assert.True(moved.SessionPresent);
        first.WaitClosed();

        var completed = new ManualResetEventSlim();
        var commit = new PublishCommit(_ => completed.Set(), waitsForStorage: true).Begin(1);
        commit.Join();
        opened.Session.Tell(new Deliver(Message("t/stored"), "t/#", new SubscriptionOptions(QualityOfService.AtLeastOnce), 0, null) { Commit = commit });
        Assert.False(commit.Seal());
        Network.WaitSent<TransferPending>("B", pending => pending.Seq != 0);
        Network.WaitSent<TransferStored>("A");
        return (commit, completed);
    }
}
