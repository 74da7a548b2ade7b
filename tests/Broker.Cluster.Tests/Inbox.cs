using System.Collections.Concurrent;
using Broker.Actors;
using Broker.Core.Messaging;
using Broker.Core.Routing;

namespace Broker.Cluster.Tests;

/// <summary>A local subscriber session that keeps what it is told; when full, the dispatcher makes it join commits (its Admission).</summary>
internal sealed class Inbox(string name, bool full) : IActorRef, ISubscriberRoom
{
    public ActorPath Path { get; } = ActorPath.Root(Address.Local("test")).Child(name);

    public ConcurrentQueue<Deliver> Deliveries { get; } = new();

    public IEnumerable<ApplicationMessage> Messages => Deliveries.Select(d => d.Message);

    public bool IsFull => full;

    public void Tell(object message, IActorRef? sender = null)
    {
        if (message is Deliver deliver)
        {
            Deliveries.Enqueue(deliver);
        }
    }
}
