using Akka.Actor;
using Broker.Cluster.Routing;
using Broker.Core.Routing;
using static Broker.Cluster.Routing.RouteReplicatorProtocol;

namespace Broker.Cluster;

/// <summary>
/// The route table's <see cref="IRouteReplicator"/> in a cluster: this node's routes go to Akka.DistributedData, the
/// other nodes' come back into the <see cref="RouteTable"/> given to <see cref="Attach"/>. Both directions run in one
/// actor; the calls here only tell it, so they never block the route table's lock.
/// </summary>
public sealed class ClusterRouteReplicator : IRouteReplicator
{
    private readonly IActorRef _actor;
    private readonly string _self;

    internal ClusterRouteReplicator(IActorRef actor, string selfNode)
    {
        _actor = actor;
        _self = selfNode;
    }

    /// <summary>
    /// Where other nodes' routes are applied. The table is built with this replicator, hence the separate step;
    /// routes that arrived earlier are applied now. Call once.
    /// </summary>
    public void Attach(RouteTable routes)
    {
        ArgumentNullException.ThrowIfNull(routes);
        if (routes.NodeName != _self)
        {
            throw new ArgumentException($"the route table is for '{routes.NodeName}', this cluster node is '{_self}'.", nameof(routes));
        }

        _actor.Tell(new Attach(routes));
    }

    public void RouteAdded(string filter, string node)
    {
        if (node == _self)
        {
            _actor.Tell(new LocalRouteAdded(filter));
        }
    }

    /// <summary>
    /// Completes once every reachable node has this node's routes of <paramref name="filters"/> (true), or
    /// <paramref name="timeout"/> passed for one of their keys first (false: the routes still spread by gossip). Each
    /// key is written to all at most once.
    /// </summary>
    internal async Task<bool> SpreadAsync(IEnumerable<string> filters, TimeSpan timeout)
    {
        var keys = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var filter in filters)
        {
            keys.TryAdd(RouteKeys.For(filter).Id, filter);
        }

        var written = await Task.WhenAll(keys.Values.Select(filter =>
            _actor.Ask<object>(new Spread(filter, timeout), timeout + timeout).ContinueWith(
                static t => t.IsCompletedSuccessfully && t.Result is Akka.DistributedData.UpdateSuccess, TaskScheduler.Default))).ConfigureAwait(false);
        return written.All(static w => w);
    }

    /// <summary>The removed node's sessions are all adopted: the durable routes kept for it go.</summary>
    internal void AdoptionCompleted(string node) => _actor.Tell(new AdoptionCompleted(node));

    public void RouteRemoved(string filter, string node)
    {
        if (node == _self)
        {
            _actor.Tell(new LocalRouteRemoved(filter));
        }
    }
}
