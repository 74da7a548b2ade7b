using System.Collections.Concurrent;
using Akka.Actor;
using Broker.Cluster.Delivery;
using Broker.Core.Messaging;
using Broker.Core.Routing;

namespace Broker.Cluster;

/// <summary>
/// The dispatcher's <see cref="INodeForwarder"/> in a cluster: tells the message to the <see cref="ForwardReceiver"/>
/// on the named node over Akka.Remote. The remote actor reference is made once per node from its path, without a
/// round trip, and kept; telling it only enqueues to this node's one association with that node, so it never blocks.
/// Order: Akka.Remote sends everything for one node through one connection, in the order the tells were made; the
/// sends of one publisher come from one thread in its order, so a publisher's messages arrive in that order.
/// </summary>
public sealed class ClusterForwarder : INodeForwarder
{
    private readonly ActorSystem _system;
    private readonly ConcurrentDictionary<string, IActorRef> _receivers = new(StringComparer.Ordinal);
    private readonly Func<string, IActorRef> _resolve;

    internal ClusterForwarder(ActorSystem system)
    {
        _system = system;
        _resolve = node => ((ExtendedActorSystem)_system).Provider.ResolveActorRef($"{node}/user/{ForwardReceiver.Name}");
    }

    public void Forward(string node, ApplicationMessage message)
    {
        ArgumentNullException.ThrowIfNull(node);
        ArgumentNullException.ThrowIfNull(message);
        _receivers.GetOrAdd(node, _resolve).Tell(message, ActorRefs.NoSender);
    }

    /// <summary>Forgets a removed node's reference (a node that comes back at the same address resolves anew).</summary>
    internal void Forget(string node) => _receivers.TryRemove(node, out _);
}
