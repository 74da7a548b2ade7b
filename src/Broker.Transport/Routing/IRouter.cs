using Broker.Actors;
using Broker.Transport.Messaging;
using Broker.Transport.Mqtt.Packets;

namespace Broker.Transport.Routing;

/// <summary>
/// Where sessions subscribe and publish. Safe to call from any session actor concurrently:
/// matching does not take a lock that subscribing holds for long.
/// </summary>
public interface IRouter
{
    /// <summary>
    /// Adds the subscription, or replaces the options of the client's existing one to the same
    /// filter [MQTT-3.8.4-3]. <paramref name="filter"/> is as the client sent it, <c>$share/g/f</c>
    /// and <c>$queue/f</c> included. Returns true when it is new.
    /// </summary>
    bool Subscribe(string clientId, IActorRef session, string filter, SubscriptionOptions options, int subscriptionId);

    /// <summary>Returns false when the client had no such subscription.</summary>
    bool Unsubscribe(string clientId, string filter);

    /// <summary>
    /// Stores or deletes the retained message when RETAIN is set, then tells a <see cref="Deliver"/>
    /// to the session of every matching subscription (one member per shared group). Returns how many
    /// deliveries were sent, so that 5.0 PUBACK can say 0x10 No matching subscribers.
    /// </summary>
    int Publish(ApplicationMessage message);

    /// <summary>
    /// <see cref="Publish(ApplicationMessage)"/> for a message a client published: takes one of the
    /// publishing connection's <paramref name="credit"/>s for each <see cref="Deliver"/>, which carries it.
    /// </summary>
    int Publish(ApplicationMessage message, IInboundCredit? credit) => Publish(message);

    /// <summary>
    /// <see cref="Publish(ApplicationMessage, IInboundCredit?)"/> that also hands back the durable write of the
    /// retained message, when the message changed one and retained messages are persisted: the task
    /// completes when the row change is committed and faults when it could not be, so that a QoS 1/2
    /// PUBLISH can be acknowledged only once its retained effect is durable (<c>sync</c> durability).
    /// Null when there is nothing to wait for: RETAIN not set, the message expired, or retained messages
    /// kept in memory only. Deliveries are sent before this returns, whatever the write's outcome.
    /// </summary>
    int Publish(ApplicationMessage message, IInboundCredit? credit, out Task? retainedWrite)
    {
        retainedWrite = null;
        return Publish(message, credit);
    }

    /// <summary>
    /// Gives a message of a shared subscription that <paramref name="excludeClientId"/> left
    /// unacknowledged to another member of the group; false when no other member is left.
    /// </summary>
    bool RedispatchShared(string shareGroup, string filter, ApplicationMessage message, string excludeClientId);

    /// <summary>The retained messages whose topics match a (non-shared part of a) filter, for a new subscription.</summary>
    IReadOnlyList<ApplicationMessage> GetRetained(string filter);
}
