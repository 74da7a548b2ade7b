using System.Collections.Immutable;
using Broker.Mqtt;
using Broker.Mqtt.Packets;

namespace Broker.Core.Routing;

/// <summary>One subscription of the receiving client that a message matched, as the dispatcher saw it when it matched.</summary>
/// <param name="Filter">As the client subscribed it, <c>$share/g/...</c> included: what the session looks up when the delivery arrives.</param>
/// <param name="Options">As granted.</param>
/// <param name="SubscriptionId">The 5.0 subscription identifier, 0 when none was given.</param>
public readonly record struct SubscriptionMatch(string Filter, SubscriptionOptions Options, int SubscriptionId)
{
    /// <summary>The highest granted QoS of the matches [MQTT-3.3.4-2].</summary>
    public static QualityOfService MaximumQoS(ImmutableArray<SubscriptionMatch> matches)
    {
        var highest = QualityOfService.AtMostOnce;
        foreach (var match in matches)
        {
            if (match.Options.MaximumQoS > highest)
            {
                highest = match.Options.MaximumQoS;
            }
        }

        return highest;
    }
}
