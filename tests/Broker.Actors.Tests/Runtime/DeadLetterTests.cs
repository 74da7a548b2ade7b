using Broker.Actors.Tests.Runtime.Support;
using Broker.Actors.TestKit;

namespace Broker.Actors.Tests.Runtime;

/// <summary>Messages that reach no actor are counted and published as <see cref="DeadLetter"/>, never lost silently.</summary>
public sealed class DeadLetterTests : ActorTestKit
{
    private readonly TestProbe _deadLetters;

    public DeadLetterTests()
    {
        _deadLetters = CreateTestProbe("dead-letters");
        Sys.EventStream.Subscribe(_deadLetters.Ref, typeof(DeadLetter));
    }

    [Fact]
    public void A_message_to_a_stopped_actor_is_counted_and_published()
    {
        var actor = Sys.ActorOf(Props.Create(() => new Forwarder(TestActor.Ref)), "gone");
        Watch(actor);
        Sys.Stop(actor);
        ExpectTerminated(actor);
        var before = Sys.DeadLetters.DeadLetterCount;

        actor.Tell("hello?", TestActor.Ref);

        Assert.Equal(before + 1, Sys.DeadLetters.DeadLetterCount);
        Assert.Equal(new DeadLetter("hello?", TestActor.Ref, actor), _deadLetters.ExpectMsg<DeadLetter>());
    }

    [Fact]
    public void Messages_left_in_the_mailbox_when_the_actor_stops_go_to_dead_letters_in_order()
    {
        var actor = Sys.ActorOf(Props.Create(() => new Forwarder(TestActor.Ref)), "stopping");
        Watch(actor);
        var gate = new Gate();
        actor.Tell(new Block(gate));
        ExpectMsg(Blocked.Instance);
        var before = Sys.DeadLetters.DeadLetterCount;

        actor.Tell(1);
        actor.Tell(2);
        actor.Tell(3);
        Sys.Stop(actor);
        gate.Open();

        // The stop overtakes the waiting messages: none is forwarded before Terminated.
        ExpectTerminated(actor);
        Assert.Equal([1, 2, 3], Enumerable.Range(0, 3).Select(_ => _deadLetters.ExpectMsg<DeadLetter>().Message));
        Assert.Equal(before + 3, Sys.DeadLetters.DeadLetterCount);
    }

    [Fact]
    public void A_message_told_to_the_dead_letter_office_is_counted_and_published()
    {
        var before = Sys.DeadLetters.DeadLetterCount;

        Sys.DeadLetters.Tell("nobody", TestActor.Ref);

        Assert.Equal(before + 1, Sys.DeadLetters.DeadLetterCount);
        Assert.Equal(new DeadLetter("nobody", TestActor.Ref, Sys.DeadLetters), _deadLetters.ExpectMsg<DeadLetter>());
    }
}
