using Broker.Actors.Tests.Runtime.Support;
using Broker.Actors.TestKit;

namespace Broker.Actors.Tests.Runtime;

/// <summary>Terminated: when it arrives, for whom, and in what order with the dead actor's last messages.</summary>
public sealed class DeathWatchTests : ActorTestKit
{
    [Fact]
    public void A_watcher_receives_Terminated_when_the_watched_actor_stops()
    {
        var actor = Sys.ActorOf(Props.Create(() => new Forwarder(TestActor.Ref)), "watched");
        Watch(actor);

        Sys.Stop(actor);

        var terminated = ExpectTerminated(actor);
        Assert.Same(actor, terminated.Actor);
        Assert.Same(actor, TestActor.LastSender);
    }

    [Fact]
    public void Stopping_a_parent_terminates_its_children_and_grandchildren_first()
    {
        var created = CreateTestProbe("created");
        var parent = Sys.ActorOf(Node.PropsFor(created.Ref, depth: 2), "parent");
        var child = created.ExpectMsg<IActorRef>();
        var grandchild = created.ExpectMsg<IActorRef>();
        Assert.Equal(parent.Path.Child("node").Child("node"), grandchild.Path);
        Watch(parent);
        Watch(child);
        Watch(grandchild);

        Sys.Stop(parent);

        ExpectTerminated(grandchild);
        ExpectTerminated(child);
        ExpectTerminated(parent);
    }

    [Fact]
    public void Watching_an_actor_that_has_already_stopped_delivers_Terminated_at_once()
    {
        var actor = Sys.ActorOf(Props.Create(() => new Forwarder(TestActor.Ref)));
        Watch(actor);
        Sys.Stop(actor);
        ExpectTerminated(actor);

        var late = CreateTestProbe("late");
        late.Watch(actor);

        late.ExpectTerminated(actor);
    }

    [Fact]
    public void Unwatch_prevents_Terminated()
    {
        var target = Sys.ActorOf(Props.Create(() => new Forwarder(TestActor.Ref)), "target");
        var watcher = Sys.ActorOf(Props.Create(() => new Watcher(TestActor.Ref)), "watcher");
        TestActor.Send(watcher, new WatchIt(target));
        ExpectMsg("watching");
        TestActor.Send(watcher, new UnwatchIt(target));
        ExpectMsg("unwatched");
        var other = CreateTestProbe("other");
        other.Watch(target);

        Sys.Stop(target);
        other.ExpectTerminated(target);
        TestActor.Send(watcher, Ping.Instance);

        ExpectMsg(Pong.Instance);
        ExpectNoMsg(TimeSpan.FromMilliseconds(200));
    }

    [Fact]
    public void A_watcher_that_keeps_watching_receives_Terminated()
    {
        // The counterpart of Unwatch_prevents_Terminated, through the same actor.
        var target = Sys.ActorOf(Props.Create(() => new Forwarder(TestActor.Ref)), "target");
        var watcher = Sys.ActorOf(Props.Create(() => new Watcher(TestActor.Ref)), "watcher");
        TestActor.Send(watcher, new WatchIt(target));
        ExpectMsg("watching");

        Sys.Stop(target);

        Assert.Same(target, ExpectMsg<Terminated>().Actor);
    }

    [Fact]
    public void Terminated_arrives_after_every_message_the_dead_actor_sent_before_it_stopped()
    {
        const int Count = 2_000;
        var chatter = Sys.ActorOf(Props.Create(() => new LastWords(TestActor.Ref, Count)), "chatter");
        Watch(chatter);

        chatter.Tell("go");

        for (var i = 1; i <= Count; i++)
        {
            ExpectMsg(i);
        }

        ExpectTerminated(chatter);
    }

    [Fact]
    public void A_parent_that_watches_its_child_receives_its_Terminated()
    {
        var parent = Sys.ActorOf(Props.Create(() => new WatchingParent(TestActor.Ref)), "parent");
        var child = ExpectMsg<IActorRef>();

        child.Tell(PoisonPill.Instance);

        Assert.Same(child, ExpectMsg<Terminated>().Actor);
        Assert.Equal(parent.Path.Child("child"), child.Path);
    }

    /// <summary>Creates a chain of <paramref name="depth"/> descendants named "node", each telling the probe its reference.</summary>
    private sealed class Node(IActorRef probe, int depth) : ActorBase
    {
        public static Props PropsFor(IActorRef probe, int depth) => Props.Create(() => new Node(probe, depth));

        protected override void PreStart()
        {
            if (depth > 0)
            {
                probe.Tell(Context.Spawn(PropsFor(probe, depth - 1), "node"));
            }
        }

        protected override void Receive(object message) => Unhandled(message);
    }

    private sealed record WatchIt(IActorRef Target);

    private sealed record UnwatchIt(IActorRef Target);

    private sealed class Watcher(IActorRef probe) : ActorBase
    {
        protected override void Receive(object message)
        {
            switch (message)
            {
                case WatchIt watch:
                    Context.Watch(watch.Target);
                    Sender?.Tell("watching", Self);
                    break;
                case UnwatchIt unwatch:
                    Context.Unwatch(unwatch.Target);
                    Sender?.Tell("unwatched", Self);
                    break;
                case Ping:
                    Sender?.Tell(Pong.Instance, Self);
                    break;
                default:
                    probe.Tell(message, Sender);
                    break;
            }
        }
    }

    /// <summary>On "go", tells the probe 1..count and stops itself.</summary>
    private sealed class LastWords(IActorRef probe, int count) : ActorBase
    {
        protected override void Receive(object message)
        {
            for (var i = 1; i <= count; i++)
            {
                probe.Tell(i, Self);
            }

            Context.Stop(Self);
        }
    }

    private sealed class WatchingParent(IActorRef probe) : ActorBase
    {
        protected override void PreStart() => probe.Tell(Context.Watch(Context.Spawn(Props.Create(() => new Forwarder(probe)), "child")));

        protected override void Receive(object message) => probe.Tell(message, Sender);
    }
}
