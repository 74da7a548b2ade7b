using System.Collections.Concurrent;
using Broker.Actors.Tests.Runtime.Support;
using Broker.Actors.TestKit;

namespace Broker.Actors.Tests.Runtime;

/// <summary>
/// A thread lent by an I/O edge (<see cref="ActorRefExtensions.TellAndRun"/>): the idle actor's turn and the one
/// actor its run wakes run on it; everything else still goes through the thread pool.
/// </summary>
public sealed class LentThreadTests : ActorTestKit
{
    private readonly ConcurrentQueue<(string Actor, object Message, int Thread)> _handled = new();

    [Fact]
    public void An_idle_actor_handles_the_message_on_the_calling_thread_before_TellAndRun_returns()
    {
        var actor = Recorder("a");

        actor.TellAndRun("hello");

        Assert.Equal([("a", (object)"hello", Environment.CurrentManagedThreadId)], _handled);
    }

    [Fact]
    public void A_busy_actor_gets_an_ordinary_send_and_handles_it_after_what_it_is_doing()
    {
        var gate = new Gate();
        var actor = Recorder("a");
        actor.Tell(new Block(gate), TestActor.Ref);
        ExpectMsg(Blocked.Instance);

        actor.TellAndRun("queued");

        Assert.Empty(_handled);
        gate.Open();
        ExpectMsg("queued");
        Assert.NotEqual(Environment.CurrentManagedThreadId, Assert.Single(_handled).Thread);
    }

    [Fact]
    public void The_one_idle_actor_a_lent_run_wakes_runs_next_on_the_same_thread_and_the_others_on_the_pool()
    {
        var b = Recorder("b");
        var c = Recorder("c");
        var a = Recorder("a", (b, "from a"), (c, "from a"));

        a.TellAndRun("go");

        var thread = Environment.CurrentManagedThreadId;
        Assert.Contains(("a", (object)"go", thread), _handled);
        Assert.Contains(("b", (object)"from a", thread), _handled);
        ExpectMsg("go");
        ExpectMsg("from a");
        ExpectMsg("from a");
        Assert.NotEqual(thread, _handled.Single(h => h.Actor == "c").Thread);
        Assert.Equal(["a", "b"], _handled.Where(h => h.Thread == thread).Select(h => h.Actor));
    }

    [Fact]
    public void A_chain_of_actors_waking_each_other_leaves_the_lent_thread_after_a_few_runs()
    {
        const int length = 12;
        IActorRef? next = null;
        for (var i = length - 1; i >= 0; i--)
        {
            next = next is null ? Recorder($"{i}") : Recorder($"{i}", (next, "pass"));
        }

        next!.TellAndRun("pass");
        for (var i = 0; i < length; i++)
        {
            ExpectMsg("pass");
        }

        var onThisThread = _handled.Count(h => h.Thread == Environment.CurrentManagedThreadId);
        Assert.InRange(onThisThread, 2, length - 1);
    }

    [Fact]
    public void Inside_an_actor_run_TellAndRun_is_an_ordinary_send_never_a_nested_run()
    {
        var insideA = new ThreadLocal<bool>();
        var b = Sys.ActorOf(Props.Create(() => new Lambda(message => TestActor.Ref.Tell(insideA.Value))), "b");
        var a = Sys.ActorOf(Props.Create(() => new Lambda(message =>
        {
            insideA.Value = true;
            b.TellAndRun(message);
            insideA.Value = false;
        })), "a");

        a.Tell("go");

        ExpectMsg(false);
    }

    [Fact]
    public void A_pool_run_wakes_no_actor_on_its_own_thread()
    {
        var b = Recorder("b");
        var gate = new Gate();
        var a = Sys.ActorOf(Props.Create(() => new Lambda(message =>
        {
            b.Tell(message);
            // Held: b must not be waiting for the end of this run.
            gate.Pass();
        })), "a");

        a.Tell("go");

        ExpectMsg("go");
        gate.Open();
    }

    /// <summary>An actor that records what it handles and where, sends <paramref name="sends"/>, then echoes to the test; idle when returned.</summary>
    private IActorRef Recorder(string name, params (IActorRef Target, string Message)[] sends)
    {
        var actor = Sys.ActorOf(Props.Create(() => new Lambda(message =>
        {
            if (message is Block block)
            {
                TestActor.Ref.Tell(Blocked.Instance);
                block.Gate.Pass();
                return;
            }

            _handled.Enqueue((name, message, Environment.CurrentManagedThreadId));
            foreach (var (target, text) in sends)
            {
                target.Tell(text);
            }

            TestActor.Ref.Tell(message);
        })), name);

        // Created on the pool: a run is going on until then, and TellAndRun would only queue.
        Assert.True(SpinWait.SpinUntil(() => !((ActorCell)actor).IsScheduled, TimeSpan.FromSeconds(5)));
        return actor;
    }

    private sealed class Lambda(Action<object> receive) : ActorBase
    {
        protected override void Receive(object message) => receive(message);
    }
}
