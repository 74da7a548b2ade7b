using Broker.Core.Messaging;

namespace Broker.Core.Routing;

/// <summary>
/// Where the dispatcher hands a message for another node that has matching subscribers: once per node and message,
/// whatever number of its filters and subscribers matched (as <c>emqx_broker</c> forwards to the nodes
/// <c>emqx_router</c> names). The cluster implements it; the receiving node gives the message to its own
/// <see cref="Dispatcher.DispatchLocal"/>. Called on the publisher's thread: it must not block.
/// </summary>
public interface INodeForwarder
{
    void Forward(string node, ApplicationMessage message);
}
