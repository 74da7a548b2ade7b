using Broker.Actors.Tests.Runtime.Support;
using Broker.Actors.TestKit;

namespace Broker.Actors.Tests.Runtime;

/// <summary>
/// An actor is never run by two threads at once: many threads sending to it at the same time (each send
/// may try to schedule it) must still see one Receive at a time. Each Receive counts itself in and out
/// with Interlocked and spins a little inside to widen the window; a plain counter would also lose
/// updates if two threads were inside together.
/// </summary>
public sealed class ConcurrencyTests : ActorTestKit
{
    private const int Threads = 8;
    private const int PerThread = 10_000;

    [Theory]
    [InlineData(1)]
    [InlineData(1000)]
    public void Only_one_thread_at_a_time_is_inside_an_actor_that_many_threads_send_to(int throughput)
    {
        var occupancy = new Occupancy();
        var actor = Sys.ActorOf(Props.Create(() => new Guarded(occupancy)).WithThroughput(throughput));

        Concurrently.Run(Threads, _ =>
        {
            for (var i = 0; i < PerThread; i++)
            {
                actor.Tell(i);
            }
        });

        // Every send above happened before this one, so its answer comes after all of them.
        TestActor.Send(actor, "count");
        Assert.Equal(Threads * PerThread, ExpectMsg<int>());
        Assert.Equal(0, occupancy.Overlaps);
        Assert.Equal(1, occupancy.MaxInside);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(1000)]
    public void Only_one_thread_at_a_time_is_inside_each_of_several_busy_actors(int throughput)
    {
        const int Actors = 4;
        var occupancies = Enumerable.Range(0, Actors).Select(_ => new Occupancy()).ToArray();
        var actors = occupancies.Select(o => Sys.ActorOf(Props.Create(() => new Guarded(o)).WithThroughput(throughput))).ToArray();

        Concurrently.Run(Threads, thread =>
        {
            for (var i = 0; i < PerThread; i++)
            {
                actors[(thread + i) % Actors].Tell(i);
            }
        });

        foreach (var actor in actors)
        {
            TestActor.Send(actor, "count");
            Assert.Equal(Threads * PerThread / Actors, ExpectMsg<int>());
        }

        Assert.All(occupancies, o => Assert.Equal(0, o.Overlaps));
        Assert.All(occupancies, o => Assert.Equal(1, o.MaxInside));
    }

    [Fact]
    public void Only_one_thread_at_a_time_is_inside_an_actor_that_other_actors_send_to()
    {
        var occupancy = new Occupancy();
        var actor = Sys.ActorOf(Props.Create(() => new Guarded(occupancy)).WithThroughput(4));
        var senders = Enumerable.Range(0, Threads).Select(_ => Sys.ActorOf(Props.Create(() => new Flooder(PerThread)))).ToArray();

        foreach (var sender in senders)
        {
            sender.Tell(actor, TestActor.Ref);
        }

        // Each flooder answers once it has sent everything; only then is the count final.
        foreach (var _ in senders)
        {
            ExpectMsg("sent");
        }

        TestActor.Send(actor, "count");
        Assert.Equal(Threads * PerThread, ExpectMsg<int>());
        Assert.Equal(0, occupancy.Overlaps);
    }

    private sealed class Occupancy
    {
        public int Inside;
        public int MaxInside;
        public int Overlaps;
    }

    private sealed class Guarded(Occupancy occupancy) : ActorBase
    {
        // Deliberately not Interlocked: two threads inside at once would lose increments.
        private int _count;

        protected override void Receive(object message)
        {
            var inside = Interlocked.Increment(ref occupancy.Inside);
            if (inside > 1)
            {
                Interlocked.Increment(ref occupancy.Overlaps);
            }

            InterlockedMax(ref occupancy.MaxInside, inside);
            if (message is "count")
            {
                Sender!.Tell(_count, Self);
            }
            else
            {
                var before = _count;
                Thread.SpinWait(20);
                _count = before + 1;
            }

            Interlocked.Decrement(ref occupancy.Inside);
        }

        private static void InterlockedMax(ref int target, int value)
        {
            var current = Volatile.Read(ref target);
            while (value > current)
            {
                var seen = Interlocked.CompareExchange(ref target, value, current);
                if (seen == current)
                {
                    return;
                }

                current = seen;
            }
        }
    }

    private sealed class Flooder(int count) : ActorBase
    {
        protected override void Receive(object message)
        {
            var target = (IActorRef)message;
            for (var i = 0; i < count; i++)
            {
                target.Tell(i, Self);
            }

            Sender!.Tell("sent", Self);
        }
    }
}
