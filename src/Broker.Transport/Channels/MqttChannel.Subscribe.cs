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
            refused[i] = SubscriptionLimits.Refusal(subscription.Filter, _settings);
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
}
