using Broker.Core.Security.Authorization;
using Broker.Core.Sessions;
using Broker.Mqtt;
using Broker.Mqtt.Packets;
using Broker.Mqtt.Topics;

namespace Broker.Transport.Channels;

public sealed partial class MqttChannel
{
    /// <summary>
    /// Decides, per filter, the refusals that depend only on the broker's limits; the session grants the
    /// rest and answers with SUBACK. The decoder already refused invalid filters (malformed) and No Local on
    /// a shared subscription [MQTT-3.8.3-4]. <c>$share/</c> is accepted from 3.1.1 clients too, as EMQX does.
    /// Subscription Identifiers are supported, so they are never refused (0xA1).
    /// </summary>
    private ChannelResult HandleSubscribe(SubscribePacket subscribe) =>
        SubscribeFrom(subscribe, new ReasonCode?[subscribe.Subscriptions.Count], 0);

    /// <summary>Decides the filters from <paramref name="start"/> on, in order, stopping at one a source must be asked for.</summary>
    private ChannelResult SubscribeFrom(SubscribePacket subscribe, ReasonCode?[] refused, int start)
    {
        for (var i = start; i < refused.Length; i++)
        {
            var subscription = subscribe.Subscriptions[i];
            refused[i] = Refusal(subscription.Filter);
            if (refused[i] is not null)
            {
                continue;
            }

            var qos = subscription.Options.MaximumQoS;
            if (Authorize(AclAction.Subscribe, subscription.Filter, qos, false) is not { } decision)
            {
                return Suspend(new SuspendedSubscribe(CheckOf(AclAction.Subscribe, subscription.Filter, qos, false), subscribe, refused, i));
            }

            if (DeniedFilter(subscribe, refused, i, decision) is { } disconnect)
            {
                return disconnect;
            }
        }

        return ChannelResult.Forward(new ClientSubscribe(_connection, subscribe, refused));
    }

    /// <summary>A denied filter is refused with 0x87, or with <c>deny_action = disconnect</c> ends the connection.</summary>
    private ChannelResult? DeniedFilter(SubscribePacket subscribe, ReasonCode?[] refused, int index, AclDecision decision)
    {
        if (decision != AclDecision.Deny)
        {
            return null;
        }

        if (DisconnectOnDeny)
        {
            return DeniedDisconnect($"SUBSCRIBE to {subscribe.Subscriptions[index].Filter}");
        }

        // 3.x SUBACK has one failure code, 0x80, which the encoder writes for any refusal.
        refused[index] = ReasonCode.NotAuthorized;
        return null;
    }

    private ReasonCode? Refusal(string filter)
    {
        var shared = TopicValidator.IsShared(filter);
        var plain = shared ? WithoutSharePrefix(filter) : filter.AsSpan();
        if (TopicLevels.Count(plain) > _settings.MaxTopicLevels)
        {
            return ReasonCode.TopicFilterInvalid;
        }

        if (shared && !_settings.SharedSubscriptionAvailable)
        {
            return ReasonCode.SharedSubscriptionsNotSupported;
        }

        if (!_settings.WildcardSubscriptionAvailable && plain.IndexOfAny('+', '#') >= 0)
        {
            return ReasonCode.WildcardSubscriptionsNotSupported;
        }

        return null;
    }

    /// <summary>The filter proper of <c>$share/{group}/{filter}</c> or <c>$queue/{filter}</c> (already validated by the decoder).</summary>
    private static ReadOnlySpan<char> WithoutSharePrefix(string filter)
    {
        if (filter.StartsWith(TopicValidator.QueuePrefix, StringComparison.Ordinal))
        {
            return filter.AsSpan(TopicValidator.QueuePrefix.Length);
        }

        var rest = filter.AsSpan(TopicValidator.SharePrefix.Length);
        return rest[(rest.IndexOf('/') + 1)..];
    }
}
