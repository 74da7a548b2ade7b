using Broker.Core.Sessions;
using Broker.Core.Sessions.Cluster;
using Broker.Core.Tests.Sessions.Cluster.Support;
using Broker.Mqtt;
using Broker.Mqtt.Packets;

namespace Broker.Core.Tests.Sessions.Cluster;

/// <summary>
/// Claims of one client id on several nodes at once, in the orders the owner entity may grant them and the orders its
/// answers and the transfer messages may arrive in; and moves whose other side went silent.
/// </summary>
public sealed class SessionClaimRaceTests : ClusterSessionTests
{
    [Theory]
    [InlineData("A", "B")]
    [InlineData("B", "A")]
    public void Two_CONNECTs_on_two_nodes_at_once_end_with_the_later_claim_attached_and_the_other_closed(string firstGranted, string lastGranted)
    {
        var nodes = new Dictionary<string, ClusterNode> { ["A"] = Node("A"), ["B"] = Node("B") };
        Network.HoldClaims = true;
        var pending = nodes.ToDictionary(n => n.Key, n => n.Value.Connect("c"));
        Network.WaitHeldClaims(2);

        Network.Grant(firstGranted, "c");
        Network.Grant(lastGranted, "c");

        var loser = pending[firstGranted];
        var winner = pending[lastGranted];
        var lost = loser.Opened();
        Assert.True(winner.Opened().SessionPresent);
        loser.Connection.WaitClosed();
        Assert.Equal(ReasonCode.SessionTakenOver, loser.Connection.CloseReason);
        FinishMove(nodes[firstGranted], lost.Session, lastGranted);
        Assert.False(winner.Connection.Closed);
        Assert.True(nodes[lastGranted].Holds("c"));
        Assert.False(nodes[firstGranted].Holds("c"));
        Assert.Equal(lastGranted, Network.OwnerOf("c"));
    }

    [Fact]
    public void A_session_moved_away_and_claimed_back_at_once_loses_nothing_forwarded_while_its_old_one_is_ending()
    {
        var a = Node("A");
        var b = Node("B");
        var (first, original, _) = a.Open("c");
        Subscribe(original.Session, first, "t/#");
        Network.HoldClaims = true;
        var onA = a.Connect("c");
        var onB = b.Connect("c");
        Network.WaitHeldClaims(2);

        // B takes it over from A, then A's reconnection takes it back while A's old session is still in its grace.
        Network.Grant("B", "c");
        var onBOpened = onB.Opened();
        Assert.True(onBOpened.SessionPresent);
        Network.Grant("A", "c");
        Network.WaitSent<TransferReply>("A");
        onB.Connection.WaitClosed();
        Assert.Equal(ReasonCode.SessionTakenOver, onB.Connection.CloseReason);

        // Routed to B's session, which forwards it to A: A's new session is not made yet.
        b.Router.Publish(Message("t/during"));
        Network.WaitSent<TransferPending>("A");

        FinishMove(a, original.Session, "B");
        var back = onA.Opened();
        Assert.True(back.SessionPresent);
        FinishMove(b, onBOpened.Session, "A");
        a.Router.Publish(Message("t/end"));

        Assert.Equal(["t/during"], TopicsUntil(onA.Connection, "t/end"));
        Assert.False(onA.Connection.Closed);
        Assert.True(a.Holds("c"));
        Assert.False(b.Holds("c"));
        Assert.Equal("A", Network.OwnerOf("c"));
    }

    [Fact]
    public void A_move_asked_of_a_node_whose_own_claim_is_pending_is_answered_only_once_that_claim_settled()
    {
        var a = Node("A");
        var b = Node("B");
        Network.HoldClaims = true;
        var onA = a.Connect("c");
        var onB = b.Connect("c");
        Network.WaitHeldClaims(2);

        var answerA = Network.GrantLater("A", "c");
        Network.Grant("B", "c");
        Network.WaitSent<TransferRequest>("A");

        Assert.False(a.Holds("c")); // A has read the request, and holds nothing yet
        Assert.DoesNotContain(Network.Sent, s => s.Message is TransferReply);

        answerA();
        var openedA = onA.Opened();
        Assert.False(openedA.SessionPresent);
        Assert.True(onB.Opened().SessionPresent);
        onA.Connection.WaitClosed();
        Assert.Equal(ReasonCode.SessionTakenOver, onA.Connection.CloseReason);
        FinishMove(a, openedA.Session, "B");
        Assert.True(b.Holds("c"));
        Assert.False(a.Holds("c"));
    }

    [Fact]
    public void Two_claims_each_waiting_for_the_other_nodes_move_are_settled_by_the_transfer_bound()
    {
        var a = Node("A");
        var b = Node("B");

        // The owner still names A, whose session ended (its release reaches the owner after B's claim).
        Network.SetOwner("c", "A");
        Network.HoldClaims = true;
        var onA = a.Connect("c");
        var onB = b.Connect("c");
        Network.WaitHeldClaims(2);
        Network.Grant("B", "c");
        Network.WaitSent<TransferRequest>("A");
        Time.Advance(TimeSpan.FromSeconds(1));
        Network.Grant("A", "c");
        Network.WaitSent<TransferRequest>("B");
        Assert.DoesNotContain(Network.Sent, s => s.Message is TransferReply);

        Time.Advance(SessionActor.TransferBound - TimeSpan.FromSeconds(1));

        // B's claim, the older, is refused; that answers A's request, and A's CONNECT opens.
        Assert.Equal(ReasonCode.ServerUnavailable, onB.Connection.Next<ConnAckPacket>().ReasonCode);
        onB.Connection.WaitClosed();
        var openedA = onA.Opened();
        Assert.False(openedA.SessionPresent);
        Assert.False(onA.Connection.Closed);
        Assert.True(a.Holds("c"));
        Assert.False(b.Holds("c"));
    }

    [Fact]
    public void A_CONNECT_whose_old_node_died_before_handing_over_is_refused_after_the_transfer_bound()
    {
        var a = Node("A");
        var b = Node("B");
        a.Open("c");
        Network.DropMessage = (to, m) => to == "A";

        var onB = b.Connect("c");
        Network.WaitSent<TransferRequest>("A");
        Time.Advance(SessionActor.TransferBound);

        Assert.Equal(ReasonCode.ServerUnavailable, onB.Connection.Next<ConnAckPacket>().ReasonCode);
        onB.Connection.WaitClosed();

        // The client retries once its old node is out of the cluster: a new session.
        Network.Down("A");
        var (_, again, connAck) = b.Open("c");
        Assert.False(again.SessionPresent);
        Assert.False(connAck.SessionPresent);
        Assert.True(b.Holds("c"));
    }

    [Fact]
    public void A_message_matching_a_shared_and_a_plain_subscription_of_a_moved_session_arrives_for_both()
    {
        var a = Node("A");
        var b = Node("B");
        var (first, opened, _) = a.Open("c");
        Subscribe(opened.Session, first, "t/#");
        Subscribe(opened.Session, first, "$share/g/t/#");
        var (second, moved, _) = b.Open("c");
        Assert.True(moved.SessionPresent);

        b.Router.Publish(Message("t/1"));
        b.Router.Publish(Message("t/end"));

        Assert.Equal(["t/1", "t/1"], TopicsUntil(second, "t/end"));
    }
}
