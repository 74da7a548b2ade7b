using Broker.Actors.Tests.Runtime.Support;
using Broker.Actors.TestKit;

namespace Broker.Actors.Tests.Runtime;

/// <summary>
/// Bounded mailboxes and their overflow policies. The consumer is held inside its first message (on a
/// <see cref="Gate"/>) so that the test knows exactly what waits in its mailbox.
/// </summary>
public sealed class MailboxTests : ActorTestKit
{
    private readonly TestProbe _dropped;

    public MailboxTests()
    {
        _dropped = CreateTestProbe("dropped");
        Sys.EventStream.Subscribe(_dropped.Ref, typeof(Dropped));
    }

    [Fact]
    public void Drop_newest_refuses_what_arrives_when_the_mailbox_is_full()
    {
        var gate = new Gate();
        var consumer = HeldConsumer(MailboxOptions.Bounded(2, MailboxOverflow.DropNewest), gate);

        foreach (var i in new[] { 1, 2, 3, 4 })
        {
            consumer.Tell(i, TestActor.Ref);
        }

        Assert.Equal(2, Sys.DeadLetters.DroppedCount);
        ExpectDropped(consumer, 3);
        ExpectDropped(consumer, 4);
        gate.Open();
        ExpectMsg(1);
        ExpectMsg(2);
        consumer.Tell(5);
        ExpectMsg(5);
        Assert.Equal(2, Sys.DeadLetters.DroppedCount);
        _dropped.ExpectNoMsg(TimeSpan.FromMilliseconds(100));
    }

    [Fact]
    public void Drop_oldest_makes_room_by_dropping_the_longest_waiting_message()
    {
        var gate = new Gate();
        var consumer = HeldConsumer(MailboxOptions.Bounded(2, MailboxOverflow.DropOldest), gate);

        foreach (var i in new[] { 1, 2, 3, 4 })
        {
            consumer.Tell(i, TestActor.Ref);
        }

        Assert.Equal(2, Sys.DeadLetters.DroppedCount);
        ExpectDropped(consumer, 1);
        ExpectDropped(consumer, 2);
        gate.Open();
        ExpectMsg(3);
        ExpectMsg(4);
        consumer.Tell(5);
        ExpectMsg(5);
        _dropped.ExpectNoMsg(TimeSpan.FromMilliseconds(100));
    }

    [Fact]
    public void Back_pressure_makes_the_sender_wait_until_the_consumer_takes_a_message()
    {
        var gate = new Gate();
        var consumer = HeldConsumer(MailboxOptions.Bounded(1, MailboxOverflow.BackPressure, pushTimeout: TimeSpan.FromSeconds(30)), gate);
        consumer.Tell(1);
        using var sent = new ManualResetEventSlim();
        var sender = new Thread(() =>
        {
            consumer.Tell(2);
            sent.Set();
        });

        sender.Start();

        // The one wait that must run its course: the sender has to be stuck for it to pass.
        Assert.False(sent.Wait(TimeSpan.FromMilliseconds(150)), "The sender did not wait for room in the full mailbox.");
        gate.Open();
        Assert.True(sent.Wait(DefaultTimeout), "The sender was not released when the consumer took a message.");
        sender.Join();
        ExpectMsg(1);
        ExpectMsg(2);
        Assert.Equal(0, Sys.DeadLetters.DroppedCount);
        _dropped.ExpectNoMsg(TimeSpan.FromMilliseconds(100));
    }

    [Fact]
    public void Back_pressure_refuses_the_message_once_the_push_timeout_has_passed()
    {
        var gate = new Gate();
        var consumer = HeldConsumer(MailboxOptions.Bounded(1, MailboxOverflow.BackPressure, pushTimeout: TimeSpan.FromMilliseconds(100)), gate);
        consumer.Tell(1, TestActor.Ref);

        consumer.Tell(2, TestActor.Ref);

        Assert.Equal(1, Sys.DeadLetters.DroppedCount);
        ExpectDropped(consumer, 2);
        gate.Open();
        ExpectMsg(1);
        consumer.Tell(3);
        ExpectMsg(3);
    }

    [Fact]
    public void An_unbounded_mailbox_keeps_everything_while_the_consumer_is_busy()
    {
        const int Count = 10_000;
        var gate = new Gate();
        var consumer = HeldConsumer(MailboxOptions.Unbounded, gate);

        for (var i = 0; i < Count; i++)
        {
            consumer.Tell(i);
        }

        gate.Open();
        for (var i = 0; i < Count; i++)
        {
            ExpectMsg(i);
        }

        Assert.Equal(0, Sys.DeadLetters.DroppedCount);
    }

    /// <summary>A forwarder to the test actor with the given mailbox, held inside its first message.</summary>
    private IActorRef HeldConsumer(MailboxOptions mailbox, Gate gate)
    {
        var consumer = Sys.ActorOf(Props.Create(() => new Forwarder(TestActor.Ref)).WithMailbox(mailbox), "consumer");
        consumer.Tell(new Block(gate));
        ExpectMsg(Blocked.Instance);
        return consumer;
    }

    private void ExpectDropped(IActorRef consumer, int message)
    {
        var dropped = _dropped.ExpectMsg<Dropped>();
        Assert.Equal(message, dropped.Message);
        Assert.Same(consumer, dropped.Recipient);
        Assert.Same(TestActor.Ref, dropped.Sender);
        Assert.Contains("mailbox full", dropped.Reason, StringComparison.Ordinal);
    }
}
