using System.Collections.Immutable;
using Broker.Actors;
using Broker.Core.Messaging;
using Broker.Mqtt;

namespace Broker.Core.Routing;

/// <summary>
/// What a publish does for each matching route: if this node is on the route, look the filter up in the local
/// table, tell one <see cref="Deliver"/> to one member of every shared group at once, and keep the plain
/// subscribers for <see cref="DeliverToSubscribers"/>, which the <see cref="Dispatcher"/> calls when the match is
/// over. A client gets one copy for all its plain subscriptions the message matched [MQTT-3.3.4-2], so they can
/// only be told once every filter is known: when one filter has plain subscribers (the common case) each of them
/// is told with its own <see cref="LocalSubscription.SoleMatch"/>; when several do, they are grouped by client
/// first (<see cref="OverlapGrouper"/>). Shared subscriptions stay deliveries of their own (4.8.2). A struct
/// handed to the trie by reference, so a publish to clients that do not overlap allocates only the
/// <see cref="Deliver"/> records themselves.
/// In a cluster, the publishing node (<paramref name="forward"/>) also keeps the other nodes with plain subscribers on
/// the matching routes, and picks one node for each shared group across the cluster (this node, when it has members,
/// among them); a node picked for a group is told which when the message is forwarded. A node that receives a
/// forwarded message delivers to its plain subscribers and only to the groups it was picked for
/// (<paramref name="pickedGroups"/>, "$share/group/filter"). A publish that waits for storage also notes which of those
/// nodes have durable subscribers (<see cref="DurableRoute"/>), whose forwards hold its acknowledgement until they answer.
/// </summary>
internal struct DeliveryVisitor(
    RouteTable routes,
    SharedMemberPicker picker,
    ApplicationMessage message,
    IInboundCredit? credit,
    PublishCommit? commit,
    bool forward,
    string[]? pickedGroups = null) : ITopicVisitor<Route>
{
    /// <summary>The other nodes on the matching routes, each once: the first without an allocation (a message rarely
    /// has subscribers on several nodes of a small cluster), the rest in a list.</summary>
    private string? _firstNode;
    private List<string>? _moreNodes;

    /// <summary>The other nodes among them with durable subscribers on a matching route, for a publish that waits for storage.</summary>
    private List<string>? _durableNodes;

    /// <summary>The groups other nodes were picked for: the node and the group's "$share/group/filter".</summary>
    private List<(string Node, string Group)>? _groupPicks;

    /// <summary>The plain subscribers of the first matching filter that has any, until a second one comes.</summary>
    private LocalSubscription[]? _first;
    private OverlapGrouper? _grouper;

    /// <summary>How many deliveries were told: what PUBACK's 0x10 No matching subscribers looks at.</summary>
    public int Delivered { get; private set; }

    public void Visit(Route route)
    {
        if (forward)
        {
            KeepOtherNodes(route.Nodes);
            if (route.DurableNodes.Count > 0 && commit is { WaitsForStorage: true } && message.QoS != QualityOfService.AtMostOnce)
            {
                KeepDurableNodes(route.DurableNodes);
            }
        }

        LocalFilter? entry = null;
        if (route.HasNode(routes.NodeName) && routes.TryGetLocal(route.Filter, out entry))
        {
            KeepSubscribers(entry.Subscribers);
            foreach (var group in entry.Groups)
            {
                if (pickedGroups is not null && !WasPicked(group.Name, route.Filter))
                {
                    continue;
                }

                var others = forward ? route.FindShared(group.Name) : null;
                var node = others is null ? null : picker.PickNode(others, routes.NodeName, message);
                if (node is not null && node != routes.NodeName)
                {
                    (_groupPicks ??= []).Add((node, others!.SharedFilter));
                }
                else if (picker.Pick(group, message) is { } member)
                {
                    Tell(member.Session, member.SoleMatch, member.Durable, member.Room, group.Name);
                }
            }
        }

        if (!forward)
        {
            return;
        }

        foreach (var others in route.Shared)
        {
            if (entry?.FindGroup(others.Group) is null && picker.PickNode(others, null, message) is { } node)
            {
                (_groupPicks ??= []).Add((node, others.SharedFilter));
            }
        }
    }

    /// <summary>Tells the plain subscribers kept by <see cref="Visit"/>: one delivery per client.</summary>
    public void DeliverToSubscribers()
    {
        if (_grouper is { } grouper)
        {
            for (var i = 0; i < grouper.ClientCount; i++)
            {
                var client = grouper.Get(i);
                Tell(client.Session, client.Matches, client.Durable, client.Room, null);
            }

            grouper.Return();
            _grouper = null;
        }
        else if (_first is { } subscribers)
        {
            foreach (var subscription in subscribers)
            {
                if (!IsOwnNoLocal(subscription))
                {
                    Tell(subscription.Session, subscription.SoleMatch, subscription.Durable, subscription.Room, null);
                }
            }
        }
    }

    /// <summary>
    /// Hands the message once to each other node kept by <see cref="Visit"/> (its dispatcher delivers to its own
    /// sessions), with the groups it was picked for; returns how many nodes got it: they have subscribers, so it is
    /// not 0x10 No matching subscribers.
    /// </summary>
    public readonly int ForwardToNodes(INodeForwarder forwarder)
    {
        var count = 0;
        if (_firstNode is not null)
        {
            Forward(forwarder, _firstNode);
            count++;
            if (_moreNodes is { } more)
            {
                foreach (var node in more)
                {
                    Forward(forwarder, node);
                }

                count += more.Count;
            }
        }

        if (_groupPicks is { } picks)
        {
            for (var i = 0; i < picks.Count; i++)
            {
                var node = picks[i].Node;
                if (!IsPlainNode(node) && picks.FindIndex(p => p.Node == node) == i)
                {
                    Forward(forwarder, node);
                    count++;
                }
            }
        }

        return count;
    }

    private readonly void Forward(INodeForwarder forwarder, string node)
    {
        string[]? groups = null;
        if (_groupPicks is { } picks)
        {
            var mine = picks.FindAll(p => p.Node == node);
            groups = mine.Count == 0 ? null : mine.ConvertAll(p => p.Group).ToArray();
        }

        forwarder.Forward(node, message, groups, credit, commit, durable: _durableNodes?.Contains(node) ?? false);
    }

    private readonly bool IsPlainNode(string node) => node == _firstNode || (_moreNodes?.Contains(node) ?? false);

    private readonly bool WasPicked(string group, string topicFilter)
    {
        foreach (var picked in pickedGroups!)
        {
            if (SharedFilter.Names(picked, group, topicFilter))
            {
                return true;
            }
        }

        return false;
    }

    private void KeepOtherNodes(IReadOnlyList<string> nodes)
    {
        for (var i = 0; i < nodes.Count; i++)
        {
            var node = nodes[i];
            if (node == routes.NodeName || node == _firstNode || (_moreNodes?.Contains(node) ?? false))
            {
                continue;
            }

            if (_firstNode is null)
            {
                _firstNode = node;
            }
            else
            {
                (_moreNodes ??= []).Add(node);
            }
        }
    }

    /// <summary>A node removed from the cluster whose sessions are being adopted is on no other list: it is kept, to be held for.</summary>
    private void KeepDurableNodes(IReadOnlyList<string> nodes)
    {
        KeepOtherNodes(nodes);
        for (var i = 0; i < nodes.Count; i++)
        {
            if (nodes[i] != routes.NodeName && !(_durableNodes?.Contains(nodes[i]) ?? false))
            {
                (_durableNodes ??= []).Add(nodes[i]);
            }
        }
    }

    private void KeepSubscribers(LocalSubscription[] subscribers)
    {
        if (subscribers.Length == 0)
        {
            return;
        }

        if (_first is null)
        {
            _first = subscribers;
            return;
        }

        if (_grouper is null)
        {
            _grouper = OverlapGrouper.Rent();
            Group(_first);
        }

        Group(subscribers);
    }

    private readonly void Group(LocalSubscription[] subscribers)
    {
        foreach (var subscription in subscribers)
        {
            if (!IsOwnNoLocal(subscription))
            {
                _grouper!.Add(subscription);
            }
        }
    }

    /// <summary>
    /// No Local [MQTT-3.8.3-3] is decided here, not only in the session, so that the count returned for PUBACK's
    /// 0x10 No matching subscribers does not include the publisher itself, and so that such a subscription adds
    /// nothing to a copy its client gets through another one.
    /// </summary>
    private readonly bool IsOwnNoLocal(LocalSubscription subscription) =>
        subscription.Options.NoLocal && subscription.ClientId == message.PublisherId;

    private void Tell(IActorRef session, ImmutableArray<SubscriptionMatch> matches, bool durable, ISubscriberRoom? room, string? shareGroup)
    {
        credit?.Take(1);
        var granted = SubscriptionMatch.MaximumQoS(matches);
        session.Tell(new Deliver(message, matches, shareGroup)
        {
            Credit = credit,
            Commit = Join(commit is { WaitsForStorage: true } && durable && granted != QualityOfService.AtMostOnce),
            Admission = Join(room is { IsFull: true } && granted != QualityOfService.AtMostOnce),
        });
        Delivered++;
    }

    /// <summary>
    /// Joins the publish's commit when <paramref name="joins"/>: a durable subscriber that receives the message at QoS 1
    /// or 2 under sync durability keeps it in storage first, and a full one gives it room first (ARCHITECTURE.md, "Overload").
    /// </summary>
    private readonly PublishCommit? Join(bool joins)
    {
        if (commit is null || !joins)
        {
            return null;
        }

        commit.Join();
        return commit;
    }
}
