using Broker.Actors.Tests.Runtime.Support;
using Broker.Actors.TestKit;

namespace Broker.Actors.Tests.Runtime;

/// <summary>
/// The mailbox keeps what arrives while its actor is busy. The consumer is held inside its first message (on a
/// <see cref="Gate"/>) so that the test knows exactly what waits in its mailbox.
/// </summary>
public sealed class MailboxTests : ActorTestKit
{
    [Fact]
    public void The_mailbox_keeps_everything_while_the_consumer_is_busy()
    {
        const int Count = 10_000;
        var gate = new Gate();
        var consumer = Sys.ActorOf(Props.Create(() => new Forwarder(TestActor.Ref)), "consumer");
        consumer.Tell(new Block(gate));
        ExpectMsg(Blocked.Instance);

        for (var i = 0; i < Count; i++)
        {
            consumer.Tell(i);
        }

        gate.Open();
        for (var i = 0; i < Count; i++)
        {
            ExpectMsg(i);
        }

        Assert.Equal(0, Sys.DeadLetters.DeadLetterCount);
    }
}
