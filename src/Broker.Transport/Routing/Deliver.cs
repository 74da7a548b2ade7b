using Broker.Transport.Messaging;
using Broker.Transport.Mqtt.Packets;

namespace Broker.Transport.Routing;

/// <summary>
/// The router's message to a subscriber's session: one per matching subscription. The session
/// applies the options (QoS downgrade, No Local, Retain As Published, subscription identifier).
/// </summary>
/// <param name="Filter">The filter as the client subscribed it, <c>$share/g/...</c> included.</param>
/// <param name="SubscriptionId">The 5.0 subscription identifier, 0 when none was given.</param>
/// <param name="ShareGroup">The group of a shared subscription, null otherwise.</param>
/// <param name="FromRetained">Sent because of a new subscription, not a live publish: keeps RETAIN set [MQTT-3.3.1-8].</param>
public sealed record Deliver(
    ApplicationMessage Message,
    string Filter,
    SubscriptionOptions Options,
    int SubscriptionId,
    string? ShareGroup,
    bool FromRetained = false)
{
    /// <summary>The publishing connection's flow control: the session returns one credit once it handled this. Null for wills, retained and redispatched messages.</summary>
    public IInboundCredit? Credit { get; init; }

    /// <summary>Set for a durable subscriber under sync durability: the session leaves it once this delivery's effect is committed.</summary>
    public PublishCommit? Commit { get; init; }

    /// <summary>Set when the subscriber was full as the message was routed: the session leaves it once the message has room in its queue.</summary>
    public PublishCommit? Admission { get; init; }
}
