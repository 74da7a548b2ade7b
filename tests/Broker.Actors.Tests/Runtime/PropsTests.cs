using System.Runtime.CompilerServices;
using Broker.Actors.TestKit;

namespace Broker.Actors.Tests.Runtime;

public sealed class PropsTests : ActorTestKit
{
    [Fact]
    public void An_actor_made_from_state_gets_it_at_its_start_and_again_in_the_new_instance_of_a_restart()
    {
        var state = new Greeting("hello", TestActor.Ref, new StrongBox<int>());
        var actor = Sys.ActorOf(Props.Create(static (Greeting g) => new Greeter(g), state), "greeter");

        actor.Tell("who");
        ExpectMsg("hello 1");
        actor.Tell("fail");
        actor.Tell("who");
        ExpectMsg("hello 2");
    }

    [Fact]
    public void Props_made_from_state_refuse_a_missing_factory_or_state()
    {
        Assert.Throws<ArgumentNullException>(() => Props.Create<Greeting>(null!, new Greeting("x", TestActor.Ref, new StrongBox<int>())));
        Assert.Throws<ArgumentNullException>(() => Props.Create(static (Greeting g) => new Greeter(g), null!));
    }

    private sealed record Greeting(string Text, IActorRef Probe, StrongBox<int> Instances);

    private sealed class Greeter(Greeting greeting) : ActorBase
    {
        private readonly int _instance = ++greeting.Instances.Value;

        protected override void Receive(object message)
        {
            if (message is "fail")
            {
                throw new InvalidOperationException("restart me");
            }

            greeting.Probe.Tell($"{greeting.Text} {_instance}");
        }
    }
}
