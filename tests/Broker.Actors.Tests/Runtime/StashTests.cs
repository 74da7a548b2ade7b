using Broker.Actors.Tests.Runtime.Support;
using Broker.Actors.TestKit;

namespace Broker.Actors.Tests.Runtime;

/// <summary>Stashed messages come back in their order, ahead of newer ones, with their senders; they survive a restart.</summary>
public sealed class StashTests : ActorTestKit
{
    [Fact]
    public void UnstashAll_puts_the_stashed_messages_back_in_order_ahead_of_those_that_arrived_since()
    {
        var (actor, gate) = BlockedStasher();

        actor.Tell("a");
        actor.Tell("b");
        actor.Tell("c");
        actor.Tell("open");
        actor.Tell("d");
        actor.Tell("e");
        gate.Open();

        foreach (var expected in new[] { "a", "b", "c", "d", "e" })
        {
            ExpectMsg(expected);
        }
    }

    [Fact]
    public void Unstashed_messages_keep_their_senders()
    {
        var actor = Sys.ActorOf(Stasher.PropsFor(TestActor.Ref), "stasher");
        var first = CreateTestProbe("first");
        var second = CreateTestProbe("second");
        first.Send(actor, "from first");
        second.Send(actor, "from second");

        actor.Tell("open");

        ExpectMsg("from first");
        Assert.Same(first.Ref, TestActor.LastSender);
        ExpectMsg("from second");
        Assert.Same(second.Ref, TestActor.LastSender);
    }

    [Fact]
    public void Stashed_messages_survive_a_restart_and_come_first()
    {
        var (actor, gate) = BlockedStasher();

        actor.Tell("a");
        actor.Tell("b");
        actor.Tell(new Fail(new TestException("restart with a full stash")));
        actor.Tell("c");
        gate.Open();

        // The new instance does not stash: it sees the old instance's stash first.
        ExpectMsg(new Hook("PostRestart", 2));
        ExpectMsg("a");
        ExpectMsg("b");
        ExpectMsg("c");
    }

    [Fact]
    public void Clear_sends_the_stashed_messages_to_dead_letters()
    {
        var deadLetters = CreateTestProbe("dead-letters");
        Sys.EventStream.Subscribe(deadLetters.Ref, typeof(DeadLetter));
        var actor = Sys.ActorOf(Stasher.PropsFor(TestActor.Ref), "stasher");
        actor.Tell("a");
        actor.Tell("b");

        actor.Tell("clear");
        actor.Tell("open");
        actor.Tell("c");

        ExpectMsg("c");
        Assert.Equal("a", deadLetters.ExpectMsg<DeadLetter>().Message);
        Assert.Equal("b", deadLetters.ExpectMsg<DeadLetter>().Message);
    }

    [Fact]
    public void Messages_still_stashed_when_the_actor_stops_go_to_dead_letters()
    {
        var deadLetters = CreateTestProbe("dead-letters");
        Sys.EventStream.Subscribe(deadLetters.Ref, typeof(DeadLetter));
        var actor = Sys.ActorOf(Stasher.PropsFor(TestActor.Ref), "stasher");
        Watch(actor);
        var before = Sys.DeadLetters.DeadLetterCount;

        actor.Tell("a");
        actor.Tell("b");
        actor.Tell(PoisonPill.Instance);

        ExpectTerminated(actor);
        var lost = new[] { deadLetters.ExpectMsg<DeadLetter>(), deadLetters.ExpectMsg<DeadLetter>() };
        Assert.Equal(["a", "b"], lost.Select(d => d.Message));
        Assert.All(lost, d => Assert.Same(actor, d.Recipient));
        Assert.Equal(before + 2, Sys.DeadLetters.DeadLetterCount);
    }

    /// <summary>
    /// The first instance stashes everything until "open"; later instances (after a restart) never stash.
    /// Every message it handles it forwards to the probe, with its sender.
    /// </summary>
    private sealed class Stasher(IActorRef probe, int instance) : ActorBase
    {
        private bool _open = instance > 1;

        public static Props PropsFor(IActorRef probe)
        {
            var instances = 0;
            return Props.Create(() => new Stasher(probe, Interlocked.Increment(ref instances)));
        }

        protected override void PostRestart(Exception reason) => probe.Tell(new Hook("PostRestart", instance));

        protected override void Receive(object message)
        {
            switch (message)
            {
                case Block block:
                    probe.Tell(Blocked.Instance);
                    block.Gate.Pass();
                    break;
                case Fail fail:
                    throw fail.Exception;
                case "open":
                    _open = true;
                    Context.Stash.UnstashAll();
                    break;
                case "clear":
                    Context.Stash.Clear();
                    break;
                case var _ when !_open:
                    Context.Stash.Stash();
                    break;
                default:
                    probe.Tell(message, Sender);
                    break;
            }
        }
    }

    /// <summary>A stasher held inside its first message, so that the next ones wait in its mailbox.</summary>
    private (IActorRef Actor, Gate Gate) BlockedStasher()
    {
        var actor = Sys.ActorOf(Stasher.PropsFor(TestActor.Ref), "stasher");
        var gate = new Gate();
        actor.Tell(new Block(gate));
        ExpectMsg(Blocked.Instance);
        return (actor, gate);
    }
}
