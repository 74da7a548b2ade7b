namespace Broker.Actors.Tests.Events;

/// <summary>Counts what it is told and allocates nothing doing so, for stress and allocation tests.</summary>
internal sealed class CountingActorRef(string name) : IActorRef
{
    private int _count;

    public ActorPath Path { get; } = ActorPath.Root(Address.Local("test")).Child(name);

    public int Count => Volatile.Read(ref _count);

    public void Tell(object message, IActorRef? sender = null) => Interlocked.Increment(ref _count);
}
