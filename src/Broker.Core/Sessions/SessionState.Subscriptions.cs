using Broker.Core.Routing;
using Broker.Mqtt;
using Broker.Mqtt.Packets;

namespace Broker.Core.Sessions;

/// <summary>
/// SUBSCRIBE and UNSUBSCRIBE: the session's own table of filters, which the router's follows through the
/// <see cref="SessionEffectKind.AddRoute"/> and <see cref="SessionEffectKind.RemoveRoute"/> effects. Whether a
/// subscription is new, or existed, is this table's answer.
/// </summary>
public sealed partial class SessionState
{
    /// <summary>
    /// Grants each filter min(requested QoS, the broker's maximum) unless the channel refused it, answers
    /// SUBACK, then asks for the retained messages of the granted non-shared filters as their Retain Handling
    /// says: 0 always [MQTT-3.3.1-9], 1 only for a new subscription [MQTT-3.3.1-10], 2 never [MQTT-3.3.1-11]
    /// (<see cref="SessionEffectKind.GetRetained"/>, the last effects, answered with <see cref="DeliverRetained"/>).
    /// </summary>
    /// <param name="refused">Per filter, the failure code the channel decided, or null; may be shorter than the filter list.</param>
    /// <param name="room">What the connection takes now, for the retained messages.</param>
    public void Subscribe(SubscribePacket packet, IReadOnlyList<ReasonCode?> refused, ConnectionRoom room)
    {
        ArgumentNullException.ThrowIfNull(packet);
        ArgumentNullException.ThrowIfNull(refused);
        Input(room);
        var subscriptionId = packet.Properties.SubscriptionIdentifiers.Count > 0 ? packet.Properties.SubscriptionIdentifiers[0] : 0;
        var codes = Grant(packet.Subscriptions, refused, subscriptionId, out var retainedFor);
        Send(new SubAckPacket { PacketId = packet.PacketId, ReasonCodes = codes });
        GetRetained(retainedFor);
    }

    /// <summary>
    /// Subscriptions made for the client by an operator (EMQX's <c>POST /clients/{clientid}/subscribe</c>): granted and
    /// given their retained messages as if the client had sent SUBSCRIBE, but no SUBACK goes to a client that asked
    /// for nothing. Returns the codes a SUBACK would have held.
    /// </summary>
    public IReadOnlyList<ReasonCode> SubscribeOnBehalf(IReadOnlyList<TopicSubscription> subscriptions, ConnectionRoom room)
    {
        ArgumentNullException.ThrowIfNull(subscriptions);
        Input(room);
        var codes = Grant(subscriptions, [], 0, out var retainedFor);
        GetRetained(retainedFor);
        return codes;
    }

    /// <summary>Removes each filter for the client, as an operator asked, with no UNSUBACK; per filter whether it existed.</summary>
    public IReadOnlyList<bool> UnsubscribeOnBehalf(IReadOnlyList<string> filters)
    {
        ArgumentNullException.ThrowIfNull(filters);
        var existed = new bool[filters.Count];
        for (var i = 0; i < existed.Length; i++)
        {
            existed[i] = RemoveSubscription(filters[i]);
            _effects.Add(SessionEffect.RemoveRoute(filters[i]));
        }

        return existed;
    }

    private ReasonCode[] Grant(
        IReadOnlyList<TopicSubscription> subscriptions, IReadOnlyList<ReasonCode?> refused, int subscriptionId,
        out List<(string Filter, SessionSubscription Subscription)> retainedFor)
    {
        var codes = new ReasonCode[subscriptions.Count];
        retainedFor = [];
        for (var i = 0; i < codes.Length; i++)
        {
            var (filter, requested) = subscriptions[i];
            if (i < refused.Count && refused[i] is { } failure)
            {
                codes[i] = failure;
                continue;
            }

            var granted = (QualityOfService)Math.Min((byte)requested.MaximumQoS, (byte)_settings.MaximumQoS);
            var subscription = new SessionSubscription(requested with { MaximumQoS = granted }, subscriptionId);
            var isNew = !_subscriptions.ContainsKey(filter);
            _effects.Add(SessionEffect.AddRoute(filter, subscription, IsJournaled));
            AddSubscription(filter, subscription);
            codes[i] = (ReasonCode)(byte)granted;
            if (WantsRetained(filter, subscription.Options.RetainHandling, isNew))
            {
                retainedFor.Add((filter, subscription));
            }
        }

        return codes;
    }

    private void GetRetained(List<(string Filter, SessionSubscription Subscription)> retainedFor)
    {
        foreach (var (filter, subscription) in retainedFor)
        {
            _effects.Add(SessionEffect.GetRetained(filter, subscription));
        }
    }

    /// <summary>Removes each filter; UNSUBACK says per filter whether it existed (5.0: 0x00 or 0x11; 3.x: no codes).</summary>
    public void Unsubscribe(UnsubscribePacket packet)
    {
        ArgumentNullException.ThrowIfNull(packet);
        var codes = new ReasonCode[packet.TopicFilters.Count];
        for (var i = 0; i < codes.Length; i++)
        {
            var filter = packet.TopicFilters[i];
            var existed = RemoveSubscription(filter);
            _effects.Add(SessionEffect.RemoveRoute(filter));
            codes[i] = existed ? ReasonCode.Success : ReasonCode.NoSubscriptionExisted;
        }

        Send(new UnsubAckPacket { PacketId = packet.PacketId, ReasonCodes = _client.IsV5 ? codes : [] });
    }

    /// <summary>Whether a filter is a shared subscription ($share/group/filter, or EMQX's $queue/filter).</summary>
    public static bool IsShared(string filter) =>
        filter.StartsWith("$share/", StringComparison.Ordinal) || filter.StartsWith("$queue/", StringComparison.Ordinal);

    /// <summary>Retained messages are never sent for shared subscriptions (4.8.2).</summary>
    private static bool WantsRetained(string filter, RetainHandling handling, bool isNew) => !IsShared(filter) && handling switch
    {
        RetainHandling.SendOnSubscribe => true,
        RetainHandling.SendOnNewSubscribe => isNew,
        _ => false,
    };
}
