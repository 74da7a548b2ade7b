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
/// </summary>
internal struct DeliveryVisitor(
    RouteTable routes,
    SharedMemberPicker picker,
    ApplicationMessage message,
    IInboundCredit? credit,
    PublishCommit? commit,
    bool forward) : ITopicVisitor<Route>
{
    /// <summary>The other nodes on the matching routes, each once: the first without an allocation (a message rarely
    /// has subscribers on several nodes of a small cluster), the rest in a list.</summary>
    private string? _firstNode;
    private List<string>? _moreNodes;

    /// <summary>The plain subscribers of the first matching filter that has any, until a second one comes.</summary>
    private LocalSubscription[]? _first;
    private OverlapGrouper? _grouper;

    /// <summary>How many other nodes get the message: they have subscribers, so it is not 0x10 No matching subscribers.</summary>
    public readonly int ForwardedNodes => _firstNode is null ? 0 : 1 + (_moreNodes?.Count ?? 0);

    /// <summary>How many deliveries were told: what PUBACK's 0x10 No matching subscribers looks at.</summary>
    public int Delivered { get; private set; }

    public void Visit(Route route)
    {
        if (forward)
        {
            KeepOtherNodes(route.Nodes);
        }

        if (!route.HasNode(routes.NodeName) || !routes.TryGetLocal(route.Filter, out var entry))
        {
            return;
        }

        KeepSubscribers(entry.Subscribers);
        foreach (var group in entry.Groups)
        {
            if (picker.Pick(group, message) is { } member)
            {
                Tell(member.Session, member.SoleMatch, member.Durable, member.Room, group.Name);
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

    /// <summary>Hands the message to each other node kept by <see cref="Visit"/>, once: its dispatcher delivers to its own sessions.</summary>
    public readonly void ForwardToNodes(INodeForwarder forwarder)
    {
        if (_firstNode is null)
        {
            return;
        }

        forwarder.Forward(_firstNode, message);
        if (_moreNodes is { } more)
        {
            foreach (var node in more)
            {
                forwarder.Forward(node, message);
            }
        }
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
