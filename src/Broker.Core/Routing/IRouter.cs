using Broker.Actors;
using Broker.Core.Messaging;
using Broker.Mqtt.Packets;

namespace Broker.Core.Routing;

/// <summary>
/// Where sessions subscribe and publish. Safe to call from any session actor concurrently:
/// matching does not take a lock that subscribing holds for long.
/// </summary>
public interface IRouter
{
    /// <summary>
    /// Adds the subscription, or replaces the options of the client's existing one to the same
    /// filter [MQTT-3.8.4-3]. <paramref name="filter"/> is as the client sent it, <c>$share/g/f</c>
    /// and <c>$queue/f</c> included. <paramref name="durable"/>: the session is kept in storage, so a
    /// publish given a <see cref="PublishCommit"/> waits for it under sync durability; while <paramref name="room"/>
    /// says the session is full, every QoS 1/2 publish to it does. Returns true when it is new.
    /// </summary>
    bool Subscribe(string clientId, IActorRef session, string filter, SubscriptionOptions options, int subscriptionId, bool durable = false, ISubscriberRoom? room = null);

    /// <summary>Returns false when the client had no such subscription.</summary>
    bool Unsubscribe(string clientId, string filter);

    /// <summary>
    /// Stores or deletes the retained message when RETAIN is set, then tells a <see cref="Deliver"/>
    /// to the session of every client with matching plain subscriptions (one for all of a client's
    /// overlapping ones [MQTT-3.3.4-2]) and to one member of every matching shared group. Returns how many
    /// deliveries were sent, so that 5.0 PUBACK can say 0x10 No matching subscribers.
    /// <para>
    /// For a message a client published, each <see cref="Deliver"/> takes one of the publishing connection's
    /// <paramref name="credit"/>s and carries it; a will has neither credit nor commit. With <paramref name="commit"/>
    /// (a QoS 1/2 publish), every full subscriber's session joins it and, when it <see cref="PublishCommit.WaitsForStorage"/>,
    /// every durable subscriber's session and the retained store (when retained messages are kept in storage and RETAIN
    /// is set); the caller seals it once this returns. Deliveries are sent before it returns, whatever storage does.
    /// </para>
    /// </summary>
    int Publish(ApplicationMessage message, IInboundCredit? credit = null, PublishCommit? commit = null);

    /// <summary>
    /// Gives a message of a shared subscription that <paramref name="excludeClientId"/> left
    /// unacknowledged to another member of the group; false when no other member is left.
    /// </summary>
    bool RedispatchShared(string shareGroup, string filter, ApplicationMessage message, string excludeClientId);

    /// <summary>The retained messages whose topics match a (non-shared part of a) filter, for a new subscription.</summary>
    IReadOnlyList<ApplicationMessage> GetRetained(string filter);
}
