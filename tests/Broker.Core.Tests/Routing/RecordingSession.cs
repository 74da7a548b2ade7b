using System.Collections.Concurrent;
using Broker.Actors;
using Broker.Core.Routing;

namespace Broker.Core.Tests.Routing;

/// <summary>A session reference that records what it is told, synchronously, so router tests need no actor system.</summary>
internal sealed class RecordingSession(string name) : IActorRef
{
    private readonly ConcurrentQueue<object> _received = new();

    public ActorPath Path { get; } = ActorPath.Root(Address.Local("test")).Child(name);

    public IReadOnlyList<Deliver> Delivered => _received.OfType<Deliver>().ToList();

    public void Tell(object message, IActorRef? sender = null) => _received.Enqueue(message);

    public void Clear() => _received.Clear();
}
