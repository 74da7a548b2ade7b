namespace Broker.Actors.Tests.Runtime.Support;

/// <summary>The consumer holds on its <see cref="Gate"/> until the test opens it; it has told <see cref="Blocked"/> first.</summary>
internal sealed record Block(Gate Gate);

internal sealed record Blocked
{
    public static readonly Blocked Instance = new();

    private Blocked()
    {
    }
}

/// <summary>Forwards every message to a probe, keeping its sender; a <see cref="Block"/> holds it until its gate opens.</summary>
internal sealed class Forwarder(IActorRef probe) : ActorBase
{
    protected override void Receive(object message)
    {
        if (message is Block block)
        {
            probe.Tell(Blocked.Instance, Self);
            block.Gate.Pass();
            return;
        }

        probe.Tell(message, Sender);
    }
}
