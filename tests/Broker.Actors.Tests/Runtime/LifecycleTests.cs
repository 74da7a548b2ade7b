using Broker.Actors.Tests.Runtime.Support;
using Broker.Actors.TestKit;

namespace Broker.Actors.Tests.Runtime;

/// <summary>The hooks around an actor's life and what the defaults do; stopping oneself; unhandled messages.</summary>
public sealed class LifecycleTests : ActorTestKit
{
    private readonly TestProbe _hooks;

    public LifecycleTests() => _hooks = CreateTestProbe("hooks");

    [Fact]
    public void PreStart_runs_before_the_first_message_even_one_sent_at_once()
    {
        var worker = Sys.ActorOf(Worker.PropsFor(_hooks.Ref));
        worker.Tell("first");

        _hooks.ExpectMsg(new Hook("PreStart", 1));
        _hooks.ExpectMsg("first");
    }

    [Fact]
    public void The_hooks_of_a_restart_run_in_order_on_the_right_instances_with_the_cause_and_the_message()
    {
        var worker = Sys.ActorOf(Worker.PropsFor(_hooks.Ref));
        _hooks.ExpectMsg(new Hook("PreStart", 1));
        Watch(worker);
        var cause = new TestException("restart");
        var failing = new Fail(cause);

        worker.Tell(failing);
        _hooks.ExpectMsg(new Hook("PreRestart", 1, cause, failing));
        _hooks.ExpectMsg(new Hook("PostStop", 1));
        _hooks.ExpectMsg(new Hook("PostRestart", 2, cause));
        _hooks.ExpectMsg(new Hook("PreStart", 2));

        Sys.Stop(worker);
        _hooks.ExpectMsg(new Hook("PostStop", 2));
        ExpectTerminated(worker);
        _hooks.ExpectNoMsg(TimeSpan.FromMilliseconds(100));
    }

    [Fact]
    public void The_default_PreRestart_stops_the_children_before_the_new_instance_starts()
    {
        var childHooks = CreateTestProbe("child-hooks");
        var childProps = Worker.PropsFor(childHooks.Ref);
        var parent = Sys.ActorOf(Props.Create(() => new Parent(_hooks.Ref, childProps)), "parent");
        var firstChild = _hooks.ExpectMsg<IActorRef>();
        childHooks.ExpectMsg(new Hook("PreStart", 1));

        parent.Tell("fail");

        // The default PreRestart stops the children and runs the old instance's PostStop.
        childHooks.ExpectMsg(new Hook("PostStop", 1));
        _hooks.ExpectMsg("parent PostStop");
        var secondChild = _hooks.ExpectMsg<IActorRef>();
        childHooks.ExpectMsg(new Hook("PreStart", 2));
        Assert.NotSame(firstChild, secondChild);
        Assert.Equal(firstChild.Path, secondChild.Path);
    }

    [Fact]
    public void Stopping_itself_takes_effect_after_the_current_message()
    {
        var actor = Sys.ActorOf(Props.Create(() => new StopsItself(TestActor.Ref)));
        Watch(actor);

        actor.Tell("stop");
        actor.Tell("after");

        ExpectMsg("still running");
        ExpectTerminated(actor);
    }

    [Fact]
    public void PostStop_runs_once_the_children_have_stopped()
    {
        var parent = Sys.ActorOf(Props.Create(() => new Parent(_hooks.Ref, Worker.PropsFor(_hooks.Ref))), "parent");
        var started = new[] { _hooks.ReceiveOne(), _hooks.ReceiveOne() };
        Assert.Contains(new Hook("PreStart", 1), started);

        Sys.Stop(parent);

        _hooks.ExpectMsg(new Hook("PostStop", 1));
        _hooks.ExpectMsg("parent PostStop");
    }

    [Fact]
    public void An_unhandled_message_is_published()
    {
        var unhandled = CreateTestProbe("unhandled");
        Sys.EventStream.Subscribe(unhandled.Ref, typeof(UnhandledMessage));
        var actor = Sys.ActorOf(Props.Create(() => new HelloOnly(TestActor.Ref)));

        TestActor.Send(actor, 42);

        Assert.Equal(new UnhandledMessage(42, TestActor.Ref, actor), unhandled.ExpectMsg<UnhandledMessage>());
    }

    /// <summary>Creates a child "child" in PreStart, telling the probe; fails on "fail"; reports its PostStop.</summary>
    private sealed class Parent(IActorRef probe, Props child) : ActorBase
    {
        protected override void PreStart() => probe.Tell(Context.Spawn(child, "child"));

        protected override void PostStop() => probe.Tell("parent PostStop");

        protected override void Receive(object message) => throw new TestException("parent failed");
    }

    private sealed class StopsItself(IActorRef probe) : ActorBase
    {
        protected override void Receive(object message)
        {
            Context.Stop(Self);
            probe.Tell("still running");
        }
    }

    private sealed class HelloOnly(IActorRef probe) : ActorBase
    {
        protected override void Receive(object message)
        {
            if (message is "hello")
            {
                probe.Tell("hello");
            }
            else
            {
                Unhandled(message);
            }
        }
    }
}
