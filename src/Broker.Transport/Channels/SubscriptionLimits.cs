using Broker.Core.Messaging;
using Broker.Mqtt;
using Broker.Mqtt.Topics;

namespace Broker.Transport.Channels;

/// <summary>
/// The refusals of a valid topic filter that depend on the broker's limits alone (mqtt.max_topic_levels,
/// shared_subscription, wildcard_subscription): the channel's for a client's SUBSCRIBE, and the management API's for
/// a subscription made on a client's behalf, so that an operator cannot give a client what its own SUBSCRIBE would be
/// refused.
/// </summary>
public static class SubscriptionLimits
{
    /// <summary>The reason code refusing <paramref name="filter"/>, or null when the limits allow it.</summary>
    public static ReasonCode? Refusal(string filter, MqttSettings settings)
    {
        ArgumentNullException.ThrowIfNull(filter);
        ArgumentNullException.ThrowIfNull(settings);
        var shared = TopicValidator.IsShared(filter);
        var plain = shared ? WithoutSharePrefix(filter) : filter.AsSpan();
        if (TopicLevels.Count(plain) > settings.MaxTopicLevels)
        {
            return ReasonCode.TopicFilterInvalid;
        }

        if (shared && !settings.SharedSubscriptionAvailable)
        {
            return ReasonCode.SharedSubscriptionsNotSupported;
        }

        if (!settings.WildcardSubscriptionAvailable && plain.IndexOfAny('+', '#') >= 0)
        {
            return ReasonCode.WildcardSubscriptionsNotSupported;
        }

        return null;
    }

    /// <summary>The filter proper of <c>$share/{group}/{filter}</c> or <c>$queue/{filter}</c> (already validated).</summary>
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
