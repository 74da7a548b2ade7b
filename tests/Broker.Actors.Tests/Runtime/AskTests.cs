using Broker.Actors.Tests.Runtime.Support;
using Broker.Actors.TestKit;

namespace Broker.Actors.Tests.Runtime;

/// <summary>Ask: the first reply completes the task, a failure or a wrong type fails it, and the system's clock times it out.</summary>
public sealed class AskTests : ActorTestKit
{
    private static readonly TimeSpan AskTimeout = TimeSpan.FromSeconds(3);

    [Fact]
    public async Task The_reply_completes_the_task()
    {
        var actor = Sys.ActorOf(Props.Create(() => new Replier()));

        var reply = await actor.Ask<string>("hello", AskTimeout).WaitAsync(DefaultTimeout);

        Assert.Equal("hello", reply);
        Assert.Equal(0, Time.ActiveTimers);
    }

    [Fact]
    public async Task A_StatusFailure_reply_fails_the_task_with_its_exception()
    {
        var actor = Sys.ActorOf(Props.Create(() => new Replier()));
        var failure = new TestException("refused");

        var thrown = await Assert.ThrowsAsync<TestException>(() => actor.Ask<string>(new StatusFailure(failure), AskTimeout).WaitAsync(DefaultTimeout));

        Assert.Same(failure, thrown);
    }

    [Fact]
    public async Task A_reply_of_the_wrong_type_fails_the_task_with_InvalidCastException()
    {
        var actor = Sys.ActorOf(Props.Create(() => new Replier()));

        var thrown = await Assert.ThrowsAsync<InvalidCastException>(() => actor.Ask<int>("not a number", AskTimeout).WaitAsync(DefaultTimeout));

        Assert.Contains("Int32", thrown.Message, StringComparison.Ordinal);
        Assert.Contains("String", thrown.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task No_reply_fails_the_task_with_AskTimeoutException_when_the_clock_reaches_the_timeout()
    {
        var actor = Sys.ActorOf(Props.Create(() => new Forwarder(TestActor.Ref)), "silent");

        var ask = actor.Ask<string>("anyone?", AskTimeout);
        ExpectMsg("anyone?");
        Time.Advance(AskTimeout - TimeSpan.FromMilliseconds(1));
        Assert.False(ask.IsCompleted);
        Time.Advance(TimeSpan.FromMilliseconds(1));

        var thrown = await Assert.ThrowsAsync<AskTimeoutException>(() => ask.WaitAsync(DefaultTimeout));
        Assert.Contains(actor.Path.ToString(), thrown.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_reply_after_the_first_is_a_dead_letter()
    {
        var deadLetters = CreateTestProbe("dead-letters");
        Sys.EventStream.Subscribe(deadLetters.Ref, typeof(DeadLetter));
        var actor = Sys.ActorOf(Props.Create(() => new Replier()));

        var reply = await actor.Ask<string>(new Twice("once", "again"), AskTimeout).WaitAsync(DefaultTimeout);

        Assert.Equal("once", reply);
        Assert.Equal("again", deadLetters.ExpectMsg<DeadLetter>().Message);
    }

    [Fact]
    public async Task A_late_reply_to_a_timed_out_ask_is_a_dead_letter()
    {
        var deadLetters = CreateTestProbe("dead-letters");
        Sys.EventStream.Subscribe(deadLetters.Ref, typeof(DeadLetter));
        var actor = Sys.ActorOf(Props.Create(() => new Forwarder(TestActor.Ref)), "slow");
        var ask = actor.Ask<string>("question", AskTimeout);
        ExpectMsg("question");
        var asker = TestActor.LastSender!;

        Time.Advance(AskTimeout);
        await Assert.ThrowsAsync<AskTimeoutException>(() => ask.WaitAsync(DefaultTimeout));
        asker.Tell("too late");

        var late = deadLetters.ExpectMsg<DeadLetter>();
        Assert.Equal("too late", late.Message);
        Assert.Same(asker, late.Recipient);
    }

    private sealed record Twice(string First, string Second);

    /// <summary>Answers with the message itself; a <see cref="StatusFailure"/> goes back as it is.</summary>
    private sealed class Replier : ActorBase
    {
        protected override void Receive(object message)
        {
            if (message is Twice twice)
            {
                Sender?.Tell(twice.First, Self);
                Sender?.Tell(twice.Second, Self);
                return;
            }

            Sender?.Tell(message, Self);
        }
    }
}
