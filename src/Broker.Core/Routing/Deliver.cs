using System.Collections.Immutable;
using Broker.Core.Messaging;
using Broker.Mqtt;
using Broker.Mqtt.Packets;

namespace Broker.Core.Routing;

/// <summary>
/// The dispatcher's message to a subscriber's session: one copy of a message for one client. The session applies
/// the options (QoS, No Local, Retain As Published, subscription identifiers).
/// </summary>
/// <param name="Matches">
/// The client's subscriptions the message matched, never empty. One for a shared subscription, which is always
/// a delivery of its own (4.8.2), and in the common case. Several when the client's non-shared subscriptions
/// overlap: the dispatcher sends one copy for all of them rather than one per subscription [MQTT-3.3.4-2]; how their
/// options combine is written where the session applies them (SessionState.Matches.cs).
/// </param>
/// <param name="ShareGroup">The group of a shared subscription, null otherwise.</param>
/// <param name="FromRetained">Sent because of a new subscription, not a live publish: keeps RETAIN set [MQTT-3.3.1-8].</param>
public sealed record Deliver(
    ApplicationMessage Message,
    ImmutableArray<SubscriptionMatch> Matches,
    string? ShareGroup,
    bool FromRetained = false)
{
    /// <summary>A delivery for one subscription. Allocates its match: the dispatcher uses <see cref="LocalSubscription.SoleMatch"/> instead.</summary>
    public Deliver(ApplicationMessage message, string filter, SubscriptionOptions options, int subscriptionId, string? shareGroup, bool fromRetained = false)
        : this(message, [new SubscriptionMatch(filter, options, subscriptionId)], shareGroup, fromRetained)
    {
    }

    public ImmutableArray<SubscriptionMatch> Matches { get; init; } =
        Matches.IsDefaultOrEmpty ? throw new ArgumentException("A delivery matches at least one subscription.", nameof(Matches)) : Matches;

    /// <summary>The publishing connection's flow control: the session returns one credit once it handled this. Null for wills, retained and redispatched messages.</summary>
    public IInboundCredit? Credit { get; init; }

    /// <summary>Set for a durable subscriber under sync durability: the session leaves it once this delivery's effect is committed.</summary>
    public PublishCommit? Commit { get; init; }

    /// <summary>Set when the subscriber was full as the message was routed: the session leaves it once the message has room in its queue.</summary>
    public PublishCommit? Admission { get; init; }

    /// <summary>The first match's filter: for a shared delivery its only one, the group's filter that a redispatch names.</summary>
    public string Filter => Matches[0].Filter;

    /// <summary>The highest QoS granted to the matching subscriptions [MQTT-3.3.4-2].</summary>
    public QualityOfService MaximumQoS => SubscriptionMatch.MaximumQoS(Matches);

    /// <summary>Whether any matching subscription asked for Retain As Published (see SessionState.Matches.cs).</summary>
    public bool RetainAsPublished
    {
        get
        {
            foreach (var match in Matches)
            {
                if (match.Options.RetainAsPublished)
                {
                    return true;
                }
            }

            return false;
        }
    }

    /// <summary>
    /// The identifiers of the matching subscriptions that have one, in match order, repeats kept: one PUBLISH
    /// carries them all [MQTT-3.3.4-3], [MQTT-3.3.4-4]. A new array each time (the packet keeps it); empty when none.
    /// </summary>
    public int[] SubscriptionIdentifiers()
    {
        var count = 0;
        foreach (var match in Matches)
        {
            count += match.SubscriptionId != 0 ? 1 : 0;
        }

        if (count == 0)
        {
            return [];
        }

        var ids = new int[count];
        var next = 0;
        foreach (var match in Matches)
        {
            if (match.SubscriptionId != 0)
            {
                ids[next++] = match.SubscriptionId;
            }
        }

        return ids;
    }
}
