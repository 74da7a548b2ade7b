namespace Broker.Core.Routing;

/// <summary>
/// Where the route table reports that this node started or stopped having subscribers for a filter, so
/// that a cluster can tell the other nodes (as EMQX's route table is replicated). Called under the
/// route table's subscription lock, in order: an implementation must not block (tell an actor).
/// The other direction, routes of other nodes, comes in through <see cref="RouteTable.AddRemoteRoute"/>.
/// </summary>
public interface IRouteReplicator
{
    void RouteAdded(string filter, string node);

    void RouteRemoved(string filter, string node);
}
