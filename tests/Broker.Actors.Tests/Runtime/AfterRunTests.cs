using System.Collections.Concurrent;
using Broker.Actors.Tests.Runtime.Support;
using Broker.Actors.TestKit;

namespace Broker.Actors.Tests.Runtime;

/// <summary>Work a turn defers (<see cref="AfterRun.TryDefer"/>) runs once the actor's run ends, on the run's thread.</summary>
public sealed class AfterRunTests : ActorTestKit
{
    private readonly ConcurrentQueue<string> _log = new();

    [Fact]
    public void Outside_an_actor_run_nothing_can_be_deferred()
    {
        Assert.False(AfterRun.TryDefer(new Work("w", _log)));
        Assert.Empty(_log);
    }

    [Fact]
    public void Deferred_work_runs_after_the_last_message_of_the_run_on_the_same_thread_and_knows_the_actor_is_idle()
    {
        var gate = new Gate();
        var actor = Sys.ActorOf(Props.Create(() => new Deferring(_log, TestActor.Ref)), "deferring");
        actor.Tell(new Block(gate));
        ExpectMsg(Blocked.Instance);
        actor.Tell("m1");
        actor.Tell("m2");

        gate.Open();

        Assert.Equal("idle", ExpectMsg<string>());
        Assert.Equal(["m1 deferred", "m2 deferred", "w:m1 after, idle", "w:m2 after, idle"], _log.Where(l => l != "block"));
    }

    [Fact]
    public void A_run_that_leaves_messages_in_the_mailbox_says_the_actor_is_not_idle()
    {
        var gate = new Gate();
        var actor = Sys.ActorOf(Props.Create(() => new Deferring(_log, TestActor.Ref)).WithThroughput(1), "deferring");
        actor.Tell(new Block(gate));
        ExpectMsg(Blocked.Instance);
        actor.Tell("m1");
        actor.Tell("m2");

        gate.Open();

        Assert.Equal("busy", ExpectMsg<string>());
        Assert.Equal("idle", ExpectMsg<string>());
        Assert.Equal(["m1 deferred", "w:m1 after, busy", "m2 deferred", "w:m2 after, idle"], _log.Where(l => l != "block"));
    }

    [Fact]
    public void Deferred_work_that_throws_is_reported_and_the_rest_still_runs()
    {
        var errors = CreateTestProbe("errors");
        Sys.EventStream.Subscribe(errors.Ref, typeof(ActorErrorEvent));
        var actor = Sys.ActorOf(Props.Create(() => new Deferring(_log, TestActor.Ref)), "deferring");

        actor.Tell(new Throwing());

        Assert.Equal("idle", ExpectMsg<string>());
        Assert.IsType<InvalidOperationException>(errors.ExpectMsg<ActorErrorEvent>().Cause);
        actor.Tell("m3");
        Assert.Equal("idle", ExpectMsg<string>());
        Assert.Contains("w:m3 after, idle", _log);
    }

    private sealed record Throwing;

    private sealed class Work(string name, ConcurrentQueue<string> log, IActorRef? report = null, int? thread = null) : IAfterRun
    {
        public void RunAfter(bool actorIdle)
        {
            Assert.Equal(thread ?? Environment.CurrentManagedThreadId, Environment.CurrentManagedThreadId);
            log.Enqueue($"{name} after, {(actorIdle ? "idle" : "busy")}");
            report?.Tell(actorIdle ? "idle" : "busy");
        }
    }

    private sealed class ThrowingWork : IAfterRun
    {
        public void RunAfter(bool actorIdle) => throw new InvalidOperationException("deferred work failed");
    }

    /// <summary>Defers one piece of work per message; the last of a run reports whether the actor was idle.</summary>
    private sealed class Deferring(ConcurrentQueue<string> log, IActorRef report) : ActorBase
    {
        private int _deferredThisRun;

        protected override void Receive(object message)
        {
            switch (message)
            {
                case Block block:
                    log.Enqueue("block");
                    report.Tell(Blocked.Instance);
                    block.Gate.Pass();
                    break;
                case Throwing:
                    Assert.True(AfterRun.TryDefer(new ThrowingWork()));
                    Assert.True(AfterRun.TryDefer(new Work("w:after-throw", log, report)));
                    break;
                case string text:
                    log.Enqueue($"{text} deferred");
                    // Only the last piece of a run reports, so that the test hears once per run.
                    var reporting = new Work($"w:{text}", log, null, Environment.CurrentManagedThreadId);
                    Assert.True(AfterRun.TryDefer(reporting));
                    Assert.True(AfterRun.TryDefer(new LastOfRun(this, report)));
                    _deferredThisRun++;
                    break;
            }
        }

        private sealed class LastOfRun(Deferring owner, IActorRef report) : IAfterRun
        {
            public void RunAfter(bool actorIdle)
            {
                if (--owner._deferredThisRun == 0)
                {
                    report.Tell(actorIdle ? "idle" : "busy");
                }
            }
        }
    }
}
