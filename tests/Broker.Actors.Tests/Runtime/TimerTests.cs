using Broker.Actors.Tests.Runtime.Support;
using Broker.Actors.TestKit;

namespace Broker.Actors.Tests.Runtime;

/// <summary>
/// An actor's timers on the manual clock. Timers fire on the thread that advances the clock, so a tick
/// that fell due is in the actor's mailbox when <see cref="ManualTimeProvider.Advance"/> returns: a
/// <see cref="Ping"/> sent after it is answered after the tick, which lets tests check "no tick" without waiting.
/// </summary>
public sealed class TimerTests : ActorTestKit
{
    private static readonly TimeSpan Second = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(1);

    [Fact]
    public void A_single_timer_fires_once_when_its_delay_has_passed()
    {
        var actor = Spawn();
        Command(actor, new StartSingle("t", "tick", Second));
        Assert.Equal(1, Time.ActiveTimers);

        Time.Advance(Second - Tick);
        ExpectNothingQueued(actor);

        Time.Advance(Tick);
        ExpectMsg("tick");
        Time.Advance(TimeSpan.FromMinutes(1));
        ExpectNothingQueued(actor);
        Assert.Equal(0, Time.ActiveTimers);
        TestActor.Send(actor, new IsActive("t"));
        ExpectMsg(false);
    }

    [Fact]
    public void A_periodic_timer_fires_once_per_interval_until_cancelled()
    {
        var actor = Spawn();
        Command(actor, new StartPeriodic("p", "tick", Second));

        Time.Advance(Second);
        ExpectMsg("tick");
        Time.Advance(Second);
        ExpectMsg("tick");
        Time.Advance(Second * 3);
        ExpectMsg("tick");
        ExpectMsg("tick");
        ExpectMsg("tick");
        ExpectNothingQueued(actor);
        TestActor.Send(actor, new IsActive("p"));
        ExpectMsg(true);

        Command(actor, new CancelTimer("p"));
        Assert.Equal(0, Time.ActiveTimers);
        Time.Advance(Second * 5);
        ExpectNothingQueued(actor);
    }

    [Fact]
    public void Cancel_prevents_the_delivery_of_a_tick_already_in_the_mailbox()
    {
        var actor = Spawn();
        Command(actor, new StartSingle("t", "tick", Second));
        var gate = new Gate();
        actor.Tell(new HoldThen(gate, new CancelTimer("t")));
        ExpectMsg(Blocked.Instance);

        // The tick is queued behind the held message, which cancels the timer once released.
        Time.Advance(Second);
        gate.Open();

        ExpectNothingQueued(actor);
        Assert.Equal(0, Time.ActiveTimers);
    }

    [Fact]
    public void Starting_a_timer_with_a_key_in_use_replaces_it_even_when_its_tick_is_queued()
    {
        var actor = Spawn();
        Command(actor, new StartPeriodic("t", "old", Second));
        var gate = new Gate();
        actor.Tell(new HoldThen(gate, new StartSingle("t", "new", Second * 5)));
        ExpectMsg(Blocked.Instance);

        Time.Advance(Second);
        gate.Open();
        ExpectNothingQueued(actor);
        Assert.Equal(1, Time.ActiveTimers);

        Time.Advance(Second * 5);
        ExpectMsg("new");
        Time.Advance(Second * 5);
        ExpectNothingQueued(actor);
        Assert.Equal(0, Time.ActiveTimers);
    }

    [Fact]
    public void Timers_stop_with_their_actor()
    {
        var actor = Spawn();
        var deadLetters = CreateTestProbe("dead-letters");
        Sys.EventStream.Subscribe(deadLetters.Ref, typeof(DeadLetter));
        Command(actor, new StartPeriodic("p", "tick", Second));
        Command(actor, new StartSingle("s", "single", Second * 2));
        Assert.Equal(2, Time.ActiveTimers);
        Watch(actor);

        Sys.Stop(actor);
        ExpectTerminated(actor);

        Assert.Equal(0, Time.ActiveTimers);
        Time.Advance(Second * 10);
        deadLetters.ExpectNoMsg(TimeSpan.FromMilliseconds(100));
        ExpectNoMsg(TimeSpan.FromMilliseconds(100));
    }

    [Fact]
    public void Timers_stop_when_their_actor_restarts()
    {
        var actor = Spawn();
        Command(actor, new StartPeriodic("p", "tick", Second));
        Command(actor, new StartSingle("s", "single", Second * 2));
        Assert.Equal(2, Time.ActiveTimers);

        actor.Tell(new Fail(new TestException("restart")));
        ExpectMsg("restarted");

        Assert.Equal(0, Time.ActiveTimers);
        Time.Advance(Second * 10);
        ExpectNothingQueued(actor);
        TestActor.Send(actor, new IsActive("p"));
        ExpectMsg(false);
    }

    private IActorRef Spawn() => Sys.ActorOf(Props.Create(() => new TimerUser(TestActor.Ref)), "timers");

    /// <summary>Runs a timer command in the actor and waits until it has.</summary>
    private void Command(IActorRef actor, object command)
    {
        TestActor.Send(actor, command);
        ExpectMsg("done");
    }

    /// <summary>Checks that no tick arrived before the actor answered a ping sent now.</summary>
    private void ExpectNothingQueued(IActorRef actor)
    {
        TestActor.Send(actor, Ping.Instance);
        ExpectMsg(Pong.Instance);
    }

    private sealed record StartSingle(string Key, string Message, TimeSpan Delay);

    private sealed record StartPeriodic(string Key, string Message, TimeSpan Interval);

    private sealed record CancelTimer(string Key);

    private sealed record IsActive(string Key);

    /// <summary>Holds the actor on the gate, then runs the command, within one message.</summary>
    private sealed record HoldThen(Gate Gate, object Command);

    private sealed class TimerUser(IActorRef probe) : ActorBase
    {
        protected override void PostRestart(Exception reason) => probe.Tell("restarted");

        protected override void Receive(object message)
        {
            switch (message)
            {
                case HoldThen hold:
                    probe.Tell(Blocked.Instance);
                    hold.Gate.Pass();
                    Run(hold.Command);
                    break;
                case IsActive query:
                    Sender?.Tell(Context.Timers.IsTimerActive(query.Key), Self);
                    break;
                case Ping:
                    Sender?.Tell(Pong.Instance, Self);
                    break;
                case Fail fail:
                    throw fail.Exception;
                case StartSingle or StartPeriodic or CancelTimer:
                    Run(message);
                    Sender?.Tell("done", Self);
                    break;
                default:
                    probe.Tell(message);
                    break;
            }
        }

        private void Run(object command)
        {
            switch (command)
            {
                case StartSingle single:
                    Context.Timers.StartSingleTimer(single.Key, single.Message, single.Delay);
                    break;
                case StartPeriodic periodic:
                    Context.Timers.StartPeriodicTimer(periodic.Key, periodic.Message, periodic.Interval);
                    break;
                case CancelTimer cancel:
                    Context.Timers.Cancel(cancel.Key);
                    break;
            }
        }
    }
}
