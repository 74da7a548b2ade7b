using Broker.Actors.Tests.Runtime.Support;
using Broker.Actors.TestKit;

namespace Broker.Actors.Tests.Runtime;

/// <summary>
/// What a supervisor's directives do to a failing child: restart (a new instance, the failing message
/// dropped, the mailbox kept), resume, stop, limits on restarts, escalation, and the
/// failures the default strategy stops rather than restarts.
/// </summary>
public sealed class SupervisionTests : ActorTestKit
{
    private readonly TestProbe _decisions;
    private readonly TestProbe _worker;

    public SupervisionTests()
    {
        _decisions = CreateTestProbe("decisions");
        _worker = CreateTestProbe("worker");
    }

    [Fact]
    public void Restart_replaces_the_instance_so_its_state_starts_afresh()
    {
        var worker = SpawnWorker(new SupervisorStrategy(Supervisor.Reporting(_decisions.Ref, Directive.Restart)));
        worker.Tell("inc");
        worker.Tell("inc");
        worker.Tell("count");
        _worker.ExpectMsg(new Counted(1, 2));

        var failure = new TestException("restart me");
        worker.Tell(new Fail(failure));
        _decisions.ExpectMsg(new Decided(failure, Directive.Restart));
        worker.Tell("count");

        Assert.Equal(new Counted(2, 0), _worker.FishForMessage<Counted>(_ => true));
    }

    [Fact]
    public void Restart_drops_the_failing_message_and_processes_the_later_ones_with_the_hooks_in_order()
    {
        var worker = SpawnWorker(new SupervisorStrategy(Supervisor.Reporting(_decisions.Ref, Directive.Restart)));
        var failure = new TestException("boom");
        var failing = new Fail(failure);

        worker.Tell("a");
        worker.Tell(failing);
        worker.Tell("b");
        worker.Tell("c");

        _worker.ExpectMsg("a");
        _worker.ExpectMsg(new Hook("PreRestart", 1, failure, failing));
        _worker.ExpectMsg(new Hook("PostStop", 1));
        _worker.ExpectMsg(new Hook("PostRestart", 2, failure));
        _worker.ExpectMsg(new Hook("PreStart", 2));
        _worker.ExpectMsg("b");
        _worker.ExpectMsg("c");
        _decisions.ExpectMsg(new Decided(failure, Directive.Restart));

        // The new instance is still the live one: the failing message did not come back to fail it again.
        Sys.Stop(worker);
        _worker.ExpectMsg(new Hook("PostStop", 2));
    }

    [Fact]
    public void Resume_keeps_the_instance_and_its_state()
    {
        var worker = SpawnWorker(new SupervisorStrategy(Supervisor.Reporting(_decisions.Ref, Directive.Resume)));
        worker.Tell("inc");
        worker.Tell("inc");
        var failure = new TestException("resume me");

        worker.Tell(new Fail(failure));
        worker.Tell("inc");
        worker.Tell("count");

        _worker.ExpectMsg(new Counted(1, 3));
        _decisions.ExpectMsg(new Decided(failure, Directive.Resume));
    }

    [Fact]
    public void Stop_stops_the_child_for_good()
    {
        var worker = SpawnWorker(new SupervisorStrategy(Supervisor.Reporting(_decisions.Ref, Directive.Stop)));
        Watch(worker);
        var failure = new TestException("stop me");

        worker.Tell(new Fail(failure));
        worker.Tell("after");

        _decisions.ExpectMsg(new Decided(failure, Directive.Stop));
        _worker.ExpectMsg(new Hook("PostStop", 1));
        ExpectTerminated(worker);
        _worker.ExpectNoMsg(TimeSpan.FromMilliseconds(100));
    }

    [Fact]
    public void A_child_that_fails_more_often_than_allowed_within_the_window_is_stopped()
    {
        var strategy = new SupervisorStrategy(Supervisor.Reporting(_decisions.Ref, Directive.Restart), maxRetries: 2, within: TimeSpan.FromMinutes(1));
        var worker = SpawnWorker(strategy);
        Watch(worker);

        FailAndExpectRestart(worker, instance: 2);
        Time.Advance(TimeSpan.FromSeconds(30));
        FailAndExpectRestart(worker, instance: 3);
        Time.Advance(TimeSpan.FromSeconds(29));
        worker.Tell(new Fail(new TestException("third within a minute")));

        _decisions.ExpectMsg<Decided>();
        _worker.ExpectMsg(new Hook("PostStop", 3));
        ExpectTerminated(worker);
    }

    [Fact]
    public void Restarts_are_counted_afresh_once_the_window_has_passed()
    {
        var strategy = new SupervisorStrategy(Supervisor.Reporting(_decisions.Ref, Directive.Restart), maxRetries: 2, within: TimeSpan.FromMinutes(1));
        var worker = SpawnWorker(strategy);
        Watch(worker);

        FailAndExpectRestart(worker, instance: 2);
        FailAndExpectRestart(worker, instance: 3);
        Time.Advance(TimeSpan.FromMinutes(1) + TimeSpan.FromMilliseconds(1));
        FailAndExpectRestart(worker, instance: 4);
        FailAndExpectRestart(worker, instance: 5);

        // The window that began with instance 4's restart now holds two: a third is one too many.
        worker.Tell(new Fail(new TestException("third in the new window")));
        _decisions.ExpectMsg<Decided>();
        _worker.ExpectMsg(new Hook("PostStop", 5));
        ExpectTerminated(worker);
    }

    [Fact]
    public void Escalation_fails_the_parent_whose_supervisor_restarts_it_and_whose_default_PreRestart_stops_its_children()
    {
        var top = Sys.ActorOf(Supervisor.PropsWith(new SupervisorStrategy(Supervisor.Reporting(_decisions.Ref, Directive.Restart))), "top");
        var parentProbe = CreateTestProbe("parent");
        var parent = Supervisor.Spawn(TestActor, top, Escalator.PropsFor(parentProbe.Ref, Worker.PropsFor(_worker.Ref)), "parent");
        var firstChild = parentProbe.ExpectMsg<IActorRef>();
        _worker.ExpectMsg(new Hook("PreStart", 1));
        Watch(firstChild);
        var failure = new TestException("escalate me");

        firstChild.Tell(new Fail(failure));

        _decisions.ExpectMsg(new Decided(failure, Directive.Restart));
        parentProbe.ExpectMsg(new Hook("PreRestart", 1, failure, null));
        _worker.ExpectMsg(new Hook("PostStop", 1));
        ExpectTerminated(firstChild);
        var secondChild = parentProbe.ExpectMsg<IActorRef>();
        _worker.ExpectMsg(new Hook("PreStart", 2));
        Assert.NotSame(firstChild, secondChild);
        Assert.Equal(firstChild.Path, secondChild.Path);
        Assert.Equal(parent.Path.Child("child"), secondChild.Path);
    }

    [Fact]
    public void After_an_escalation_resuming_the_parent_resumes_the_failed_child_with_its_state()
    {
        var top = Sys.ActorOf(Supervisor.PropsWith(new SupervisorStrategy(Supervisor.Reporting(_decisions.Ref, Directive.Resume))), "top");
        var parent = Supervisor.Spawn(TestActor, top, Supervisor.PropsWith(new SupervisorStrategy(_ => Directive.Escalate)), "parent");
        var child = Supervisor.Spawn(TestActor, parent, Worker.PropsFor(_worker.Ref), "child");
        _worker.ExpectMsg(new Hook("PreStart", 1));
        child.Tell("inc");
        var failure = new TestException("escalate, then resume");

        child.Tell(new Fail(failure));
        child.Tell("count");

        _decisions.ExpectMsg(new Decided(failure, Directive.Resume));
        _worker.ExpectMsg(new Counted(1, 1));
    }

    [Fact]
    public void After_an_escalation_a_parent_restarted_without_stopping_its_children_restarts_the_failed_child()
    {
        var top = Sys.ActorOf(Supervisor.PropsWith(new SupervisorStrategy(Supervisor.Reporting(_decisions.Ref, Directive.Restart))), "top");
        var parent = Supervisor.Spawn(TestActor, top, Props.Create(() => new EscalatesAndKeepsChildren()), "parent");
        var child = Supervisor.Spawn(TestActor, parent, Worker.PropsFor(_worker.Ref), "child");
        _worker.ExpectMsg(new Hook("PreStart", 1));
        child.Tell("inc");
        var failure = new TestException("escalate, then restart");
        var message = new Fail(failure);

        child.Tell(message);
        child.Tell("count");

        _decisions.ExpectMsg(new Decided(failure, Directive.Restart));
        _worker.ExpectMsg(new Hook("PreRestart", 1, failure, message));
        _worker.ExpectMsg(new Hook("PostStop", 1));
        _worker.ExpectMsg(new Hook("PostRestart", 2, failure));
        _worker.ExpectMsg(new Hook("PreStart", 2));
        _worker.ExpectMsg(new Counted(2, 0));
        Assert.Same(child, _worker.LastSender);
    }

    [Fact]
    public void A_constructor_that_throws_fails_with_ActorInitializationException_and_the_default_strategy_stops_the_actor()
    {
        var supervisor = Sys.ActorOf(Supervisor.PropsWith(new SupervisorStrategy(Supervisor.Reporting(_decisions.Ref, SupervisorStrategy.DefaultDecider))));
        var child = Supervisor.Spawn(TestActor, supervisor, Props.Create(() => new ThrowsInConstructor()));
        Watch(child);

        var decided = _decisions.ExpectMsg<Decided>();
        Assert.IsType<ActorInitializationException>(decided.Cause);
        Assert.IsType<TestException>(decided.Cause.InnerException);
        Assert.Equal(Directive.Stop, decided.Directive);
        ExpectTerminated(child);
    }

    [Fact]
    public void A_PreStart_that_throws_fails_with_ActorInitializationException_and_a_top_level_actor_is_stopped()
    {
        var errors = CreateTestProbe("errors");
        Sys.EventStream.Subscribe(errors.Ref, typeof(ActorErrorEvent));
        var actor = Sys.ActorOf(Props.Create(() => new ThrowsInPreStart(TestActor.Ref)), "fails-to-start");
        Watch(actor);
        actor.Tell("never processed");

        var error = errors.ExpectMsg<ActorErrorEvent>();
        Assert.Equal(actor.Path, error.Actor);
        Assert.IsType<ActorInitializationException>(error.Cause);
        Assert.Equal("PreStart failed", error.Cause!.InnerException!.Message);

        // A processed message would have been forwarded before the actor stopped, so before Terminated.
        ExpectTerminated(actor);
    }

    [Fact]
    public void Kill_fails_the_actor_with_ActorKilledException_and_the_default_strategy_stops_it()
    {
        var supervisor = Sys.ActorOf(Supervisor.PropsWith(new SupervisorStrategy(Supervisor.Reporting(_decisions.Ref, SupervisorStrategy.DefaultDecider))));
        var worker = Supervisor.Spawn(TestActor, supervisor, Worker.PropsFor(_worker.Ref));
        _worker.ExpectMsg(new Hook("PreStart", 1));
        Watch(worker);

        worker.Tell(Kill.Instance);

        var decided = _decisions.ExpectMsg<Decided>();
        Assert.IsType<ActorKilledException>(decided.Cause);
        Assert.Equal(Directive.Stop, decided.Directive);
        _worker.ExpectMsg(new Hook("PostStop", 1));
        ExpectTerminated(worker);
    }

    [Fact]
    public void A_top_level_actor_that_is_killed_stops()
    {
        var worker = Sys.ActorOf(Worker.PropsFor(_worker.Ref));
        _worker.ExpectMsg(new Hook("PreStart", 1));
        Watch(worker);

        worker.Tell(Kill.Instance);

        _worker.ExpectMsg(new Hook("PostStop", 1));
        ExpectTerminated(worker);
    }

    [Fact]
    public void A_watcher_that_does_not_handle_Terminated_dies_of_DeathPactException()
    {
        var supervisor = Sys.ActorOf(Supervisor.PropsWith(new SupervisorStrategy(Supervisor.Reporting(_decisions.Ref, SupervisorStrategy.DefaultDecider))));
        var watched = Sys.ActorOf(Props.Create(() => new Forwarder(_worker.Ref)), "watched");
        var watcher = Supervisor.Spawn(TestActor, supervisor, Props.Create(() => new HandlesNothing(watched)), "watcher");
        Watch(watcher);

        Sys.Stop(watched);

        var decided = _decisions.ExpectMsg<Decided>();
        var pact = Assert.IsType<DeathPactException>(decided.Cause);
        Assert.Same(watched, pact.DeadActor);
        Assert.Equal(Directive.Stop, decided.Directive);
        ExpectTerminated(watcher);
    }

    [Fact]
    public void A_top_level_actor_is_restarted_by_default()
    {
        var worker = Sys.ActorOf(Worker.PropsFor(_worker.Ref));
        _worker.ExpectMsg(new Hook("PreStart", 1));

        worker.Tell(new Fail(new TestException("restart me")));
        worker.Tell("count");

        _worker.FishForMessage<Hook>(h => h.Name == "PreStart");
        _worker.ExpectMsg(new Counted(2, 0));
    }

    private IActorRef SpawnWorker(SupervisorStrategy strategy)
    {
        var supervisor = Sys.ActorOf(Supervisor.PropsWith(strategy), "supervisor");
        var worker = Supervisor.Spawn(TestActor, supervisor, Worker.PropsFor(_worker.Ref), "worker");
        _worker.ExpectMsg(new Hook("PreStart", 1));
        return worker;
    }

    private void FailAndExpectRestart(IActorRef worker, int instance)
    {
        worker.Tell(new Fail(new TestException($"failure before instance {instance}")));
        _decisions.ExpectMsg<Decided>(d => d.Directive == Directive.Restart);
        Assert.Equal(new Hook("PreStart", instance), _worker.FishForMessage<Hook>(h => h.Name == "PreStart"));
    }

    /// <summary>Escalates every failure of its children; creates one child, "child", in PreStart and tells the probe.</summary>
    private sealed class Escalator(IActorRef probe, Props child, int instance) : ActorBase
    {
        public override SupervisorStrategy SupervisorStrategy { get; } = new SupervisorStrategy(_ => Directive.Escalate);

        public static Props PropsFor(IActorRef probe, Props child)
        {
            var instances = 0;
            return Props.Create(() => new Escalator(probe, child, Interlocked.Increment(ref instances)));
        }

        protected override void PreStart() => probe.Tell(Context.Spawn(child, "child"));

        protected override void PreRestart(Exception reason, object? message)
        {
            probe.Tell(new Hook("PreRestart", instance, reason, message));
            base.PreRestart(reason, message);
        }

        protected override void Receive(object message) => Unhandled(message);
    }

    /// <summary>Escalates its children's failures and keeps them when it restarts; creates children as a <see cref="Supervisor"/> does.</summary>
    private sealed class EscalatesAndKeepsChildren : ActorBase
    {
        public override SupervisorStrategy SupervisorStrategy { get; } = new SupervisorStrategy(_ => Directive.Escalate);

        protected override void PreRestart(Exception reason, object? message)
        {
        }

        protected override void Receive(object message)
        {
            var spawn = (SpawnChild)message;
            Sender?.Tell(Context.Spawn(spawn.Props, spawn.Name), Self);
        }
    }

    private sealed class ThrowsInConstructor : ActorBase
    {
        public ThrowsInConstructor() => throw new TestException("constructor failed");

        protected override void Receive(object message)
        {
        }
    }

    private sealed class ThrowsInPreStart(IActorRef probe) : ActorBase
    {
        protected override void PreStart() => throw new TestException("PreStart failed");

        protected override void Receive(object message) => probe.Tell(message);
    }

    /// <summary>Watches <paramref name="watched"/> and handles nothing, Terminated included.</summary>
    private sealed class HandlesNothing(IActorRef watched) : ActorBase
    {
        protected override void PreStart() => Context.Watch(watched);

        protected override void Receive(object message) => Unhandled(message);
    }
}
