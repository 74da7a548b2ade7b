using System.Collections.Immutable;
using Broker.Actors;
using Broker.Mqtt.Packets;

namespace Broker.Core.Routing;

/// <summary>One subscription of a session on this node, as the local table holds it.</summary>
/// <param name="Filter">As the client sent it, <c>$share/g/</c> included: what <see cref="Deliver.Filter"/> carries.</param>
/// <param name="Durable">The session outlives restarts: a QoS 1/2 publish waits for its commit under sync durability.</param>
/// <param name="Room">The session's room for QoS 1/2 messages: a publish routed while it is full waits for it to be acknowledged.</param>
public sealed record LocalSubscription(
    string ClientId,
    IActorRef Session,
    string Filter,
    SubscriptionOptions Options,
    int SubscriptionId,
    string? ShareGroup,
    bool Durable = false,
    ISubscriberRoom? Room = null)
{
    /// <summary>
    /// This subscription as <see cref="Deliver.Matches"/>, made once per subscription so that a delivery to a client
    /// with one matching subscription, the common case, allocates nothing but its <see cref="Deliver"/>. (Made from
    /// the positional values: a copy <c>with</c> other ones would keep the old array; the route table makes new ones.)
    /// </summary>
    public ImmutableArray<SubscriptionMatch> SoleMatch { get; } = [new SubscriptionMatch(Filter, Options, SubscriptionId)];

    public SubscriptionMatch Match => SoleMatch[0];
}
