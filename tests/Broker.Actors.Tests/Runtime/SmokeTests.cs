using Broker.Actors.TestKit;

namespace Broker.Actors.Tests.Runtime;

public sealed class SmokeTests : ActorTestKit
{
    private sealed class Echo : ActorBase
    {
        protected override void Receive(object message) => Sender?.Tell(message, Self);
    }

    private sealed class Crasher(IActorRef probe) : ActorBase
    {
        private int _count;

        protected override void PreStart() => probe.Tell("started");

        protected override void Receive(object message)
        {
            if (message is "boom")
            {
                throw new InvalidOperationException("boom");
            }

            probe.Tell(++_count);
        }
    }

    [Fact]
    public void Echo_replies()
    {
        var echo = Sys.ActorOf(Props.Create<Echo>(), "echo");
        TestActor.Send(echo, "hello");
        ExpectMsg("hello");
    }

    [Fact]
    public void Restart_resets_state_and_skips_the_failing_message()
    {
        var actor = Sys.ActorOf(Props.Create(() => new Crasher(TestActor.Ref)));
        ExpectMsg("started");
        actor.Tell("a");
        ExpectMsg(1);
        actor.Tell("boom");
        ExpectMsg("started");
        actor.Tell("a");
        ExpectMsg(1);
    }

    [Fact]
    public void Watch_delivers_terminated()
    {
        var echo = Sys.ActorOf(Props.Create<Echo>());
        Watch(echo);
        Sys.Stop(echo);
        ExpectTerminated(echo);
    }

    [Fact]
    public void Timer_fires_on_manual_clock()
    {
        var probe = TestActor.Ref;
        var actor = Sys.ActorOf(Props.Create(() => new TimerActor(probe)));
        ExpectMsg("ready");
        Time.Advance(TimeSpan.FromSeconds(1));
        ExpectMsg("tick");
    }

    private sealed class TimerActor(IActorRef probe) : ActorBase
    {
        protected override void PreStart()
        {
            Context.Timers.StartSingleTimer("t", "tick", TimeSpan.FromSeconds(1));
            probe.Tell("ready");
        }

        protected override void Receive(object message) => probe.Tell(message);
    }

    [Fact]
    public async Task Ask_gets_reply()
    {
        var echo = Sys.ActorOf(Props.Create<Echo>());
        Assert.Equal("x", await echo.Ask<string>("x", TimeSpan.FromSeconds(5)));
    }
}
