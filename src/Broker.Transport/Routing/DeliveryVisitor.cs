using System.Collections.Concurrent;
using Broker.Transport.Messaging;

namespace Broker.Transport.Routing;

/// <summary>
/// What a publish does for each matching route: if this node is on the route, look the filter up in
/// the local table and tell one <see cref="Deliver"/> to every plain subscriber and to one member of
/// every shared group. A struct handed to the trie by reference, so a publish allocates only the
/// <see cref="Deliver"/> records themselves.
/// </summary>
internal struct DeliveryVisitor(
    string nodeName,
    ConcurrentDictionary<string, LocalFilter> local,
    SharedMemberPicker picker,
    ApplicationMessage message,
    IInboundCredit? credit,
    PublishCommit? commit) : ITopicVisitor<Route>
{
    public int Delivered { get; private set; }

    public void Visit(Route route)
    {
        // Routes of other nodes only: forwarding to them is the cluster's part (not built yet).
        if (!route.HasNode(nodeName) || !local.TryGetValue(route.Filter, out var entry))
        {
            return;
        }

        foreach (var subscription in entry.Subscribers)
        {
            // No Local [MQTT-3.8.3-3] is decided here, not only in the session, so that the count
            // returned for PUBACK's 0x10 No matching subscribers does not include the publisher itself.
            if (subscription.Options.NoLocal && subscription.ClientId == message.PublisherId)
            {
                continue;
            }

            credit?.Take(1);
            subscription.Session.Tell(new Deliver(message, subscription.Filter, subscription.Options, subscription.SubscriptionId, null)
            {
                Credit = credit,
                Commit = JoinedForStorage(subscription),
                Admission = JoinedForRoom(subscription),
            });
            Delivered++;
        }

        foreach (var group in entry.Groups)
        {
            if (picker.Pick(group, message) is { } member)
            {
                credit?.Take(1);
                member.Session.Tell(new Deliver(message, member.Filter, member.Options, member.SubscriptionId, group.Name)
                {
                    Credit = credit,
                    Commit = JoinedForStorage(member),
                    Admission = JoinedForRoom(member),
                });
                Delivered++;
            }
        }
    }

    /// <summary>A durable subscriber that receives the message at QoS 1 or 2 keeps it in storage: the publish waits for that.</summary>
    private readonly PublishCommit? JoinedForStorage(LocalSubscription subscription) =>
        Join(commit is { WaitsForStorage: true } && subscription.Durable && subscription.Options.MaximumQoS != Mqtt.QualityOfService.AtMostOnce);

    /// <summary>A subscriber with no room for another QoS 1/2 message: the publish is acknowledged once it has some.</summary>
    private readonly PublishCommit? JoinedForRoom(LocalSubscription subscription) =>
        Join(subscription.Room is { IsFull: true } && subscription.Options.MaximumQoS != Mqtt.QualityOfService.AtMostOnce);

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
