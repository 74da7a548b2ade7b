using System.Collections.Concurrent;
using Broker.Actors;
using Broker.Transport.Messaging;
using Broker.Transport.Mqtt.Packets;
using Broker.Transport.Mqtt.Topics;
using Broker.Transport.Persistence;

namespace Broker.Transport.Routing;

/// <summary>
/// The router of one node, in two tables as EMQX keeps them, so that a cluster can be added by
/// feeding the first one:
/// <list type="bullet">
/// <item>the node table (<see cref="Routes"/>): filter to the nodes that have subscribers for it, the
/// filters in a topic trie. This node adds itself to a filter when its first local subscriber comes
/// and removes itself when the last one leaves, and reports both to the <see cref="IRouteReplicator"/>;
/// other nodes' routes come in through <see cref="AddRemoteRoute"/>.</item>
/// <item>the local table: filter (shared prefix stripped) to this node's subscriptions, plain ones by
/// client id and shared ones by group, then client id.</item>
/// </list>
/// A publish matches the topic in the trie, keeps the routes that name this node, looks each filter up
/// in the local table and tells the sessions, one copy per client for its plain subscriptions and one per
/// shared group (<see cref="DeliveryVisitor"/>). Publishing takes no lock; subscribing and unsubscribing
/// take one lock, so that the 0 → 1 and 1 → 0 changes of a filter and its route happen together.
/// </summary>
public sealed class Router : IRouter
{
    private readonly string _nodeName;
    private readonly TimeProvider _time;
    private readonly BrokerMetrics _metrics;
    private readonly SharedMemberPicker _picker;
    private readonly IRouteReplicator? _replicator;
    private readonly ConcurrentDictionary<string, LocalFilter> _local = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();

    // Taken around a change of a retained message and the queuing of its row change, so that rows change
    // in the order memory does: two publishers of one topic must not leave the older message on disk.
    private readonly Lock _retainedLock = new();

    /// <param name="random">A seeded source for tests; <see cref="Random.Shared"/> otherwise.</param>
    /// <param name="replicator">Told about this node's route changes; none on a single node.</param>
    public Router(
        string nodeName,
        SharedSubscriptionStrategy strategy,
        TimeProvider time,
        BrokerMetrics metrics,
        Random? random = null,
        IRouteReplicator? replicator = null)
    {
        _nodeName = nodeName;
        _time = time;
        _metrics = metrics;
        _picker = new SharedMemberPicker(strategy, random);
        _replicator = replicator;
    }

    public string NodeName => _nodeName;

    public NodeTable Routes { get; } = new();

    public RetainedStore Retained { get; } = new();

    /// <summary>Where retained messages are stored to survive a restart; null (the default) keeps them in memory only.</summary>
    public RetainedMessagePersistence? RetainedPersistence { get; init; }

    /// <summary>How many filters have local subscribers.</summary>
    public int LocalFilterCount => _local.Count;

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

            if (!entry.Upsert(subscription))
            {
                return false; // same client, same filter: options replaced [MQTT-3.8.4-3]
            }

            if (entry.Count == 1 && Routes.Add(topicFilter, _nodeName))
            {
                _replicator?.RouteAdded(topicFilter, _nodeName);
            }

            return true;
        }
    }

    /// <summary>The filter is compared character by character with the client's [MQTT-3.10.4-1], shared prefix included.</summary>
    public bool Unsubscribe(string clientId, string filter)
    {
        SharedFilter.TryParse(filter, out var group, out var topicFilter);
        lock (_lock)
        {
            if (!_local.TryGetValue(topicFilter, out var entry) || !entry.Remove(clientId, group))
            {
                return false;
            }

            if (entry.Count == 0)
            {
                _local.TryRemove(topicFilter, out _);
                if (Routes.Remove(topicFilter, _nodeName))
                {
                    _replicator?.RouteRemoved(topicFilter, _nodeName);
                }
            }

            return true;
        }
    }

    public int Publish(ApplicationMessage message) => Publish(message, null);

    public int Publish(ApplicationMessage message, IInboundCredit? credit, PublishCommit? commit = null)
    {
        var delivered = Publish(message, credit, commit, out var retainedWrite);
        if (commit is { WaitsForStorage: true } && retainedWrite is not null)
        {
            commit.Join();
            retainedWrite.ContinueWith(
                static (write, state) =>
                {
                    if (write.IsCompletedSuccessfully)
                    {
                        ((PublishCommit)state!).Succeed();
                    }
                    else
                    {
                        ((PublishCommit)state!).Fail();
                    }
                },
                commit, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        }

        return delivered;
    }

    /// <summary>
    /// <see cref="Publish(ApplicationMessage, IInboundCredit?, PublishCommit?)"/> that hands back the durable write of
    /// the retained message, when the message changed one and <see cref="RetainedPersistence"/> is set: it completes
    /// when the row change is committed and faults when it could not be. Null when there is nothing to wait for.
    /// </summary>
    public int Publish(ApplicationMessage message, IInboundCredit? credit, out Task? retainedWrite) =>
        Publish(message, credit, null, out retainedWrite);

    private int Publish(ApplicationMessage message, IInboundCredit? credit, PublishCommit? commit, out Task? retainedWrite)
    {
        retainedWrite = null;
        if (message.IsExpired(NowMs))
        {
            _metrics.MessageExpired(); // [MQTT-3.3.2-5]: neither stored nor delivered
            return 0;
        }

        if (message.Retain)
        {
            retainedWrite = StoreRetained(message);
        }

        var visitor = new DeliveryVisitor(_nodeName, _local, _picker, message, credit, commit);
        Routes.Match(message.Topic, ref visitor);
        visitor.DeliverToSubscribers();
        if (visitor.Delivered == 0)
        {
            _metrics.MessageDropped(DropReason.NoSubscribers);
        }

        return visitor.Delivered;
    }

    private Task? StoreRetained(ApplicationMessage message)
    {
        if (RetainedPersistence is not { } persistence)
        {
            Retained.Retain(message);
            return null;
        }

        Task write;
        ApplicationMessage? previous;
        lock (_retainedLock)
        {
            previous = Retained.Find(message.Topic);
            Retained.Retain(message);
            write = persistence.StoreAsync(message);
        }

        return RevertWhenRefusedAsync(write, message, previous);
    }

    /// <summary>
    /// A change storage refused is undone in memory too (unless a later one replaced it): the publisher is refused,
    /// so it must not be served now and lost at the next restart, nor a refused deletion come back then.
    /// </summary>
    private async Task RevertWhenRefusedAsync(Task write, ApplicationMessage message, ApplicationMessage? previous)
    {
        try
        {
            await write.ConfigureAwait(false);
        }
        catch
        {
            lock (_retainedLock)
            {
                Retained.Revert(message.Topic, message.Payload.IsEmpty ? null : message, previous);
            }

            throw;
        }
    }

    /// <summary>
    /// Deletes the expired retained messages from memory and, with <see cref="RetainedPersistence"/>, their
    /// rows; returns how many were deleted, once the rows are committed. The memory is freed before the first
    /// await: a caller that does not wait still frees it, and a failed row deletion is logged (the row is
    /// deleted at the next start instead, when it is loaded expired).
    /// </summary>
    public async Task<int> PurgeExpiredRetainedAsync()
    {
        if (RetainedPersistence is not { } persistence)
        {
            return Retained.PurgeExpired(NowMs);
        }

        var deletions = new List<Task>();
        foreach (var message in Retained.FindExpired(NowMs))
        {
            lock (_retainedLock)
            {
                if (Retained.RemoveIfCurrent(message))
                {
                    deletions.Add(persistence.DeleteAsync(message.Topic));
                }
            }
        }

        await Task.WhenAll(deletions).ConfigureAwait(false);
        return deletions.Count;
    }

    /// <param name="filter">The group's filter, with or without its <c>$share/group/</c> prefix.</param>
    public bool RedispatchShared(string shareGroup, string filter, ApplicationMessage message, string excludeClientId)
    {
        SharedFilter.TryParse(filter, out _, out var topicFilter);
        if (message.IsExpired(NowMs))
        {
            _metrics.MessageExpired();
            return false;
        }

        if (!_local.TryGetValue(topicFilter, out var entry)
            || entry.FindGroup(shareGroup) is not { } group
            || _picker.Pick(group, message, excludeClientId) is not { } member)
        {
            return false;
        }

        member.Session.Tell(new Deliver(message, member.SoleMatch, group.Name));
        return true;
    }

    /// <summary>
    /// Retained messages go to new non-shared subscriptions only (5.0, 3.3.1.3: "When a new Non-shared
    /// Subscription is made, the last retained message ... is sent"), so a shared filter gets none.
    /// </summary>
    public IReadOnlyList<ApplicationMessage> GetRetained(string filter) =>
        TopicValidator.IsShared(filter) || !TopicValidator.IsValidFilter(filter) ? [] : Retained.Match(filter, NowMs);

    /// <summary>Another node has subscribers for the filter (fed by the cluster). Returns false when already known.</summary>
    public bool AddRemoteRoute(string filter, string node) => Routes.Add(filter, RemoteNode(node));

    /// <summary>Another node no longer has subscribers for the filter.</summary>
    public bool RemoveRemoteRoute(string filter, string node) => Routes.Remove(filter, RemoteNode(node));

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

    /// <summary>This node's own routes follow its local table only, or the two would disagree.</summary>
    private string RemoteNode(string node) =>
        node == _nodeName ? throw new ArgumentException($"'{node}' is this node; its routes follow its own subscriptions.", nameof(node)) : node;

    private long NowMs => _time.GetUtcNow().ToUnixTimeMilliseconds();
}
