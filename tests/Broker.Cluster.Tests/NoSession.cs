using Broker.Actors;

namespace Broker.Cluster.Tests;

/// <summary>A local subscriber that is never delivered to here: the tests look at routes, not at sessions.</summary>
internal sealed class NoSession(string name) : IActorRef
{
    public ActorPath Path { get; } = ActorPath.Root(Address.Local("test")).Child(name);

    public void Tell(object message, IActorRef? sender = null)
    {
    }
}
