using Broker.Core.Messaging;

namespace Broker.Core.Routing;

/// <summary>
/// Where the dispatcher hands a message for another node that has matching subscribers: once per node and message,
/// whatever number of its filters and subscribers matched (as <c>emqx_broker</c> forwards to the nodes
/// <c>emqx_router</c> names). The cluster implements it; the receiving node gives the message to its own
/// <see cref="Dispatcher.DispatchForwarded"/>. Called on the publisher's thread: it must not block.
/// </summary>
public interface INodeForwarder
{
    /// <param name="groups">The shared groups ("$share/group/filter") the node was picked for; null when none.</param>
    /// <param name="credit">The publisher's credits: the forwarder holds one until the node has taken the message, so
    /// a publisher faster than the other node is slowed down as by a local subscriber.</param>
    /// <param name="commit">The publish's commit (QoS 1/2): the forwarder joins it for the node, which leaves once the
    /// node has accepted the message, by the same rules as a local subscriber's (ARCHITECTURE.md, "The cluster").</param>
    /// <param name="durable">The node's subscribers on a matching route include a durable session and the publish waits for
    /// storage (<see cref="DurableRoute"/>): the commit is never given up while the node is a member; if the node is
    /// removed instead of answering (or already was), it is held until the node's sessions are adopted elsewhere, then
    /// fails, so that the publisher sends the message again, to them.</param>
    void Forward(string node, ApplicationMessage message, string[]? groups, IInboundCredit? credit, PublishCommit? commit, bool durable);
}
