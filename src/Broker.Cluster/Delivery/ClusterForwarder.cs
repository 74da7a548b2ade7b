using System.Collections.Concurrent;
using Akka.Actor;
using Broker.Cluster.Delivery;
using Broker.Core.Messaging;
using Broker.Core.Routing;
using Broker.Mqtt;

namespace Broker.Cluster;

/// <summary>
/// The dispatcher's <see cref="INodeForwarder"/> in a cluster: queues the message on the named node's
/// <see cref="NodeLink"/>, whose <see cref="NodeSender"/> batches it over Akka.Remote to that node's
/// <see cref="ForwardReceiver"/>. It takes one of the publisher's credits and joins the publish's commit (QoS 1/2)
/// before the message is queued; the sender gives both back when the node answers. Order: one queue and one sender
/// per node, and Akka.Remote sends everything for one node through one connection, so a publisher's messages (queued
/// from its one thread, in its order) arrive in that order.
/// </summary>
public sealed class ClusterForwarder : INodeForwarder
{
    private readonly ActorSystem _system;
    private readonly Akka.Cluster.Cluster _cluster;
    private readonly TimeSpan _stallTimeout;
    private readonly ConcurrentDictionary<string, NodeLink> _links = new(StringComparer.Ordinal);
    private readonly AdoptionHolds _holds = new();
    private readonly Lock _creating = new();

    internal ClusterForwarder(ActorSystem system, TimeSpan stallTimeout)
    {
        _system = system;
        _cluster = Akka.Cluster.Cluster.Get(system);
        _stallTimeout = stallTimeout;
    }

    public void Forward(string node, ApplicationMessage message, string[]? groups, IInboundCredit? credit, PublishCommit? commit, bool durable)
    {
        ArgumentNullException.ThrowIfNull(node);
        ArgumentNullException.ThrowIfNull(message);
        var waits = commit is not null && message.QoS != QualityOfService.AtMostOnce;
        if (Link(node) is not { } link)
        {
            if (waits && durable)
            {
                // A removed node whose durable sessions are being adopted: nobody may have stored this for them.
                commit!.Join();
                _holds.Hold(node, commit);
            }

            return;
        }

        if (waits)
        {
            commit!.Join();
        }

        credit?.Take(1);
        link.Enqueue(new PendingForward(message, groups, credit, waits ? commit : null, waits && durable));
    }

    /// <summary>A removed node's link stops, giving back what it holds; a node that comes back at its address gets a new one.</summary>
    internal void Forget(string node)
    {
        _holds.Removed(node);
        if (_links.TryRemove(node, out var link))
        {
            link.Stop();
        }
    }

    /// <summary>The removed node's durable sessions are adopted: the acknowledgements held for them fail (<see cref="AdoptionHolds"/>).</summary>
    internal void Adopted(string node) => _holds.Adopted(node);

    /// <summary>The cluster stops: what is held fails.</summary>
    internal void Stop() => _holds.Dispose();

    /// <summary>
    /// The node's link; null when it is not a member (any more): a route of a removed node can outlive its removal for
    /// a moment here, and a link made then would never be stopped.
    /// </summary>
    private NodeLink? Link(string node)
    {
        if (_links.TryGetValue(node, out var link))
        {
            return link;
        }

        // Made under a lock: two publishers must not each start a sender for the node, or order would be lost.
        lock (_creating)
        {
            if (!_links.TryGetValue(node, out link))
            {
                if (!_cluster.State.Members.Any(m => m.Address.ToString() == node))
                {
                    return null;
                }

                var receiver = ((ExtendedActorSystem)_system).Provider.ResolveActorRef($"{node}/user/{ForwardReceiver.Name}");
                link = new NodeLink(_system, node, new NodeSenderSettings(receiver, _stallTimeout, _holds));
                _links[node] = link;
            }

            return link;
        }
    }
}
