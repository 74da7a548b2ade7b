using System.Collections.Concurrent;
using Broker.Actors.Tests.Events;
using Broker.Actors.Tests.Runtime.Support;
using Broker.Actors.TestKit;

namespace Broker.Actors.Tests.Runtime;

/// <summary>
/// Terminating the actor system: every actor stops (children before parents, the application's
/// before the runtime's), termination is idempotent, and PoisonPill lets earlier messages through.
/// </summary>
public sealed class ShutdownTests : ActorTestKit
{
    private readonly ConcurrentQueue<string> _stopped = new();

    [Fact]
    public async Task Terminate_stops_every_actor_children_before_parents_and_user_actors_before_system_actors()
    {
        var started = CreateTestProbe("started");
        Sys.ActorOf(Tree(started.Ref, Tree(started.Ref), Tree(started.Ref, Tree(started.Ref))), "a");
        Sys.ActorOf(Tree(started.Ref), "b");
        Sys.SystemActorOf(Tree(started.Ref, Tree(started.Ref)), "runtime");
        var paths = Enumerable.Range(0, 7).Select(_ => started.ExpectMsg<ActorPath>().ToString()).ToHashSet();

        await Sys.Terminate().WaitAsync(DefaultTimeout);

        var stopped = _stopped.ToList();
        Assert.Equal(paths.Order(StringComparer.Ordinal), stopped.Order(StringComparer.Ordinal));
        foreach (var path in stopped)
        {
            var children = stopped.Where(p => p.StartsWith(path + "/", StringComparison.Ordinal));
            Assert.All(children, child => Assert.True(stopped.IndexOf(child) < stopped.IndexOf(path), $"{child} stopped after its ancestor {path}"));
        }

        var lastUser = stopped.FindLastIndex(p => p.Contains("/user/", StringComparison.Ordinal));
        var firstSystem = stopped.FindIndex(p => p.Contains("/system/", StringComparison.Ordinal));
        Assert.True(lastUser < firstSystem, $"A /system actor stopped before a /user actor: {string.Join(", ", stopped)}");
        Assert.Equal(0, Sys.Scheduler.PendingCount);
    }

    [Fact]
    public async Task Terminate_is_idempotent_and_stops_each_actor_once()
    {
        var started = CreateTestProbe("started");
        var actor = Sys.ActorOf(Tree(started.Ref, Tree(started.Ref)), "a");
        started.ExpectMsg<ActorPath>();
        started.ExpectMsg<ActorPath>();

        var first = Sys.Terminate();
        var second = Sys.Terminate();
        await Task.WhenAll(first, second).WaitAsync(DefaultTimeout);
        await Sys.Terminate().WaitAsync(DefaultTimeout);

        Assert.Same(first, second);
        Assert.True(Sys.WhenTerminated.IsCompletedSuccessfully);
        Assert.Equal(2, _stopped.Count);
        Assert.IsType<ActorSystemTerminateReason>(Sys.CoordinatedShutdown.Reason);
        var before = Sys.DeadLetters.DeadLetterCount;
        actor.Tell("after the end");
        Assert.Equal(before + 1, Sys.DeadLetters.DeadLetterCount);
    }

    [Fact]
    public async Task Terminate_runs_the_earlier_shutdown_phases_while_the_actors_still_run()
    {
        var started = CreateTestProbe("started");
        Sys.ActorOf(Tree(started.Ref), "a");
        started.ExpectMsg<ActorPath>();
        Sys.CoordinatedShutdown.AddTask(ShutdownPhases.ServiceUnbind, "unbind", _ =>
        {
            _stopped.Enqueue("unbind task");
            return Task.CompletedTask;
        });

        await Sys.Terminate().WaitAsync(DefaultTimeout);

        Assert.Equal(["unbind task", "broker://ShutdownTests/user/a"], _stopped);
    }

    [Fact]
    public async Task Terminate_completes_even_when_a_PostStop_throws()
    {
        // Not a probe: probes are actors, and stop with the others.
        var errors = new RecordingActorRef("errors");
        Sys.EventStream.Subscribe(errors, typeof(ActorErrorEvent));
        var actor = Sys.ActorOf(Props.Create(() => new ThrowsInPostStop(TestActor.Ref)), "throws");
        ExpectMsg("started");

        await Sys.Terminate().WaitAsync(DefaultTimeout);

        var error = Assert.Single(errors.MessagesOf<ActorErrorEvent>());
        Assert.Equal(actor.Path, error.Actor);
        Assert.Equal("PostStop failed", error.Message);
        Assert.IsType<TestException>(error.Cause);
    }

    [Fact]
    public void PoisonPill_stops_the_actor_after_the_messages_sent_before_it()
    {
        var deadLetters = CreateTestProbe("dead-letters");
        Sys.EventStream.Subscribe(deadLetters.Ref, typeof(DeadLetter));
        var actor = Sys.ActorOf(Props.Create(() => new Forwarder(TestActor.Ref)), "poisoned");
        Watch(actor);
        var gate = new Gate();
        actor.Tell(new Block(gate));
        ExpectMsg(Blocked.Instance);

        actor.Tell(1);
        actor.Tell(2);
        actor.Tell(PoisonPill.Instance);
        actor.Tell(3);
        gate.Open();

        ExpectMsg(1);
        ExpectMsg(2);
        ExpectTerminated(actor);
        Assert.Equal(3, deadLetters.ExpectMsg<DeadLetter>().Message);
    }

    /// <summary>An actor that records its path when it stops, with the given children.</summary>
    private Props Tree(IActorRef started, params Props[] children) => Props.Create(() => new Recorded(started, _stopped, children));

    private sealed class Recorded(IActorRef started, ConcurrentQueue<string> stopped, Props[] children) : ActorBase
    {
        protected override void PreStart()
        {
            for (var i = 0; i < children.Length; i++)
            {
                Context.Spawn(children[i], $"c{i}");
            }

            started.Tell(Self.Path);
        }

        protected override void PostStop() => stopped.Enqueue(Self.Path.ToString());

        protected override void Receive(object message) => Unhandled(message);
    }

    private sealed class ThrowsInPostStop(IActorRef probe) : ActorBase
    {
        protected override void PreStart() => probe.Tell("started");

        protected override void PostStop() => throw new TestException("cannot stop cleanly");

        protected override void Receive(object message) => Unhandled(message);
    }
}
