using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using Broker.Actors;
using Broker.Mqtt.Packets;
using Broker.Mqtt.Topics;

namespace Broker.Core.Routing;

/// <summary>
/// Who subscribes to what, in two tables as EMQX's router keeps them, so that a cluster can be added by feeding
/// the first one:
/// <list type="bullet">
/// <item>the node table (<see cref="Nodes"/>): filter to the nodes that have subscribers for it, the filters in a
/// topic trie. This node adds itself to a filter when its first local subscriber comes and removes itself when the
/// last one leaves. It reports to the <see cref="IRouteReplicator"/> the first and last plain subscriber of a filter
/// (route "filter") and the first and last member of each shared group (route "$share/group/filter"), so that
/// other nodes forward to it for its plain subscribers and pick it, or another node, for a group; other nodes'
/// routes come in through <see cref="AddRemoteRoute"/>. A filter with durable plain subscribers here also has a
/// <see cref="DurableRoute"/>.</item>
/// <item>the local table: filter (shared prefix stripped) to this node's subscriptions, plain ones by client id
/// and shared ones by group (<see cref="LocalFilter"/>).</item>
/// </list>
/// Lookups take no lock; subscribing and unsubscribing take one, so that the 0 → 1 and 1 → 0 changes of a filter
/// and its route happen together.
/// </summary>
public sealed class RouteTable
{
    // Read and set under _lock only: a replicator attached later sees every change after the filters it was given.
    private IRouteReplicator? _replicator;
    private readonly ConcurrentDictionary<string, LocalFilter> _local = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();

    // Changed under _lock with the subscriptions they count; read without it.
    private int _subscriptionCount;
    private int _sharedSubscriptionCount;

    /// <param name="replicator">Told about this node's route changes; none on a single node.</param>
    public RouteTable(string nodeName, IRouteReplicator? replicator = null)
    {
        NodeName = nodeName;
        _replicator = replicator;
    }

    public string NodeName { get; }

    public NodeTable Nodes { get; } = new();

    /// <summary>How many filters have local subscribers.</summary>
    public int LocalFilterCount => _local.Count;

    /// <summary>This node's subscriptions, shared ones included (EMQX's <c>subscriptions.count</c>).</summary>
    public int SubscriptionCount => Volatile.Read(ref _subscriptionCount);

    /// <summary>This node's subscriptions to a shared group (EMQX's <c>subscriptions.shared.count</c>).</summary>
    public int SharedSubscriptionCount => Volatile.Read(ref _sharedSubscriptionCount);

    /// <summary>Adds the subscription, or replaces the client's options for that filter; true when it is new (see <see cref="IRouter.Subscribe"/>).</summary>
    public bool Subscribe(string clientId, IActorRef session, string filter, SubscriptionOptions options, int subscriptionId, bool durable = false, ISubscriberRoom? room = null)
    {
        if (!TopicValidator.IsValidFilter(filter))
        {
            throw new ArgumentException($"'{filter}' is not a valid topic filter.", nameof(filter));
        }

        SharedFilter.TryParse(filter, out var group, out var topicFilter);
        var subscription = new LocalSubscription(clientId, session, filter, options, subscriptionId, group, durable, room);
        lock (_lock)
        {
            if (!_local.TryGetValue(topicFilter, out var entry))
            {
                entry = new LocalFilter(topicFilter);
                _local[topicFilter] = entry;
            }

            var durableBefore = entry.DurableSubscribers;
            if (!entry.Upsert(subscription))
            {
                ReportDurable(entry, durableBefore); // same client, same filter: options replaced [MQTT-3.8.4-3]
                return false;
            }

            Counted(group, +1);

            if (entry.Count == 1)
            {
                Nodes.Add(topicFilter, NodeName);
            }

            if (entry.Population(group) == 1)
            {
                _replicator?.RouteAdded(group is null ? topicFilter : SharedFilter.Format(group, topicFilter), NodeName);
            }

            ReportDurable(entry, durableBefore);
            return true;
        }
    }

    /// <summary>The filter is compared character by character with the client's [MQTT-3.10.4-1], shared prefix included.</summary>
    public bool Unsubscribe(string clientId, string filter)
    {
        SharedFilter.TryParse(filter, out var group, out var topicFilter);
        lock (_lock)
        {
            if (!_local.TryGetValue(topicFilter, out var entry))
            {
                return false;
            }

            var durableBefore = entry.DurableSubscribers;
            if (!entry.Remove(clientId, group))
            {
                return false;
            }

            Counted(group, -1);

            ReportDurable(entry, durableBefore);

            if (entry.Population(group) == 0)
            {
                _replicator?.RouteRemoved(group is null ? topicFilter : SharedFilter.Format(group, topicFilter), NodeName);
            }

            if (entry.Count == 0)
            {
                _local.TryRemove(topicFilter, out _);
                Nodes.Remove(topicFilter, NodeName);
            }

            return true;
        }
    }

    /// <summary>Under the lock: a subscription (to a shared group when <paramref name="group"/> is set) was added or removed.</summary>
    private void Counted(string? group, int change)
    {
        Volatile.Write(ref _subscriptionCount, _subscriptionCount + change);
        if (group is not null)
        {
            Volatile.Write(ref _sharedSubscriptionCount, _sharedSubscriptionCount + change);
        }
    }

    /// <summary>The filter's <see cref="DurableRoute"/> comes with its first durable plain subscriber and goes with its last.</summary>
    private void ReportDurable(LocalFilter entry, int durableBefore)
    {
        var durableAfter = entry.DurableSubscribers;
        if (durableBefore == 0 && durableAfter > 0)
        {
            _replicator?.RouteAdded(DurableRoute.Format(entry.Filter), NodeName);
        }
        else if (durableBefore > 0 && durableAfter == 0)
        {
            _replicator?.RouteRemoved(DurableRoute.Format(entry.Filter), NodeName);
        }
    }

    /// <summary>
    /// Starts telling <paramref name="replicator"/> about this node's routes, for a cluster joined while clients are
    /// served: every filter this node already has subscribers for is reported first, under the subscription lock, so
    /// that none is missed or reported twice. Once; a table built with a replicator has one already.
    /// </summary>
    public void AttachReplicator(IRouteReplicator replicator)
    {
        ArgumentNullException.ThrowIfNull(replicator);
        lock (_lock)
        {
            if (_replicator is not null)
            {
                throw new InvalidOperationException("The route table already has a replicator.");
            }

            _replicator = replicator;
            foreach (var route in ReplicatedRoutesLocked())
            {
                replicator.RouteAdded(route, NodeName);
            }
        }
    }

    /// <summary>
    /// Stops telling <paramref name="replicator"/> (its cluster ended), so that another may be attached and told every
    /// filter again. The other nodes' routes it applied are its to remove. Nothing happens when another one is attached.
    /// </summary>
    public void DetachReplicator(IRouteReplicator replicator)
    {
        ArgumentNullException.ThrowIfNull(replicator);
        lock (_lock)
        {
            if (ReferenceEquals(_replicator, replicator))
            {
                _replicator = null;
            }
        }
    }

    /// <summary>
    /// Another node has subscribers for the filter (fed by the cluster): plain ones, or members of the shared group a
    /// "$share/group/filter" names. Returns false when already known.
    /// </summary>
    public bool AddRemoteRoute(string filter, string node) =>
        DurableRoute.TryParse(filter, out var durableFilter) ? Nodes.AddDurable(durableFilter, RemoteNode(node))
        : SharedFilter.TryParse(filter, out var group, out var topicFilter) ? Nodes.AddShared(topicFilter, group!, RemoteNode(node))
        : Nodes.Add(filter, RemoteNode(node));

    /// <summary>Another node no longer has subscribers for the filter (or members of the group it names, or durable ones).</summary>
    public bool RemoveRemoteRoute(string filter, string node) =>
        DurableRoute.TryParse(filter, out var durableFilter) ? Nodes.RemoveDurable(durableFilter, RemoteNode(node))
        : SharedFilter.TryParse(filter, out var group, out var topicFilter) ? Nodes.RemoveShared(topicFilter, group!, RemoteNode(node))
        : Nodes.Remove(filter, RemoteNode(node));

    /// <summary>
    /// This node's routes as the cluster replicates them: a filter with plain subscribers, "\0filter" when some are
    /// durable, and "$share/group/filter" for each group with members here. Taken under the lock, so that a replicator started late reports each once.
    /// </summary>
    public IReadOnlyList<string> ReplicatedRoutes()
    {
        lock (_lock)
        {
            return ReplicatedRoutesLocked();
        }
    }

    private List<string> ReplicatedRoutesLocked()
    {
        var routes = new List<string>();
        foreach (var entry in _local.Values)
        {
            if (entry.Subscribers.Length > 0)
            {
                routes.Add(entry.Filter);
            }

            if (entry.DurableSubscribers > 0)
            {
                routes.Add(DurableRoute.Format(entry.Filter));
            }

            foreach (var group in entry.Groups)
            {
                routes.Add(SharedFilter.Format(group.Name, entry.Filter));
            }
        }

        return routes;
    }

    /// <summary>The client's subscription to exactly this filter (as sent, shared prefix included), or null.</summary>
    public LocalSubscription? FindSubscription(string clientId, string filter)
    {
        SharedFilter.TryParse(filter, out var group, out var topicFilter);
        if (!_local.TryGetValue(topicFilter, out var entry))
        {
            return null;
        }

        var array = group is null ? entry.Subscribers : entry.FindGroup(group)?.Members ?? [];
        var index = SubscriberArray.IndexOf(array, clientId);
        return index < 0 ? null : array[index];
    }

    /// <summary>
    /// Every subscription on this node, shared ones included, filter by filter as the table holds them (no order):
    /// lock-free, each filter's arrays read as they stand, for the management API's listing (a walk of them all).
    /// </summary>
    public IEnumerable<LocalSubscription> LocalSubscriptions()
    {
        foreach (var entry in _local.Values)
        {
            foreach (var subscription in entry.Subscribers)
            {
                yield return subscription;
            }

            foreach (var group in entry.Groups)
            {
                foreach (var member in group.Members)
                {
                    yield return member;
                }
            }
        }
    }

    /// <summary>This node's subscriptions to a filter (shared prefix stripped); lock-free.</summary>
    internal bool TryGetLocal(string topicFilter, [NotNullWhen(true)] out LocalFilter? entry) =>
        _local.TryGetValue(topicFilter, out entry);

    /// <summary>This node's own routes follow its local table only, or the two would disagree.</summary>
    private string RemoteNode(string node) =>
        node == NodeName ? throw new ArgumentException($"'{node}' is this node; its routes follow its own subscriptions.", nameof(node)) : node;
}
