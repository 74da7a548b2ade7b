using Broker.Core.Messaging;
using Broker.Core.Sessions;
using Broker.Mqtt;
using Broker.Mqtt.Packets;
using static Broker.Transport.Tests.Channels.Support.Channels;

namespace Broker.Transport.Tests.Channels;

/// <summary>SUBSCRIBE and UNSUBSCRIBE: the refusals the broker's limits decide before the session sees them.</summary>
public sealed class SubscribeTests
{
    [Fact]
    public void Filters_within_the_limits_are_left_to_the_session()
    {
        var (channel, _) = Connected();
        var subscribe = Subscribe("a/+/c", "a/#", "$share/g/a/b", "plain");

        var forwarded = Assert.IsType<ClientSubscribe>(channel.HandleIn(subscribe, 0).Command);

        Assert.Same(subscribe, forwarded.Packet);
        Assert.Equal(new ReasonCode?[] { null, null, null, null }, forwarded.Refused);
    }

    [Fact]
    public void Each_filter_gets_its_own_refusal_in_order()
    {
        var settings = MqttSettings.Default with
        {
            MaxTopicLevels = 3,
            WildcardSubscriptionAvailable = false,
            SharedSubscriptionAvailable = false,
        };
        var (channel, _) = Connected(settings);

        var forwarded = Assert.IsType<ClientSubscribe>(channel.HandleIn(Subscribe("a/b/c/d", "a/+", "$share/g/a", "$queue/a", "a/b"), 0).Command);

        Assert.Equal(
            new ReasonCode?[]
            {
                ReasonCode.TopicFilterInvalid,
                ReasonCode.WildcardSubscriptionsNotSupported,
                ReasonCode.SharedSubscriptionsNotSupported,
                ReasonCode.SharedSubscriptionsNotSupported,
                null,
            },
            forwarded.Refused);
    }

    [Fact]
    public void The_levels_of_a_shared_filter_are_counted_without_the_share_prefix()
    {
        var (channel, _) = Connected(MqttSettings.Default with { MaxTopicLevels = 2 });

        var forwarded = Assert.IsType<ClientSubscribe>(channel.HandleIn(Subscribe("$share/group/a/b", "$share/group/a/b/c"), 0).Command);

        Assert.Equal(new ReasonCode?[] { null, ReasonCode.TopicFilterInvalid }, forwarded.Refused);
    }

    [Fact]
    public void A_3_1_1_client_may_use_shared_subscriptions()
    {
        var (channel, _) = Connected(version: MqttProtocolVersion.V311);

        var forwarded = Assert.IsType<ClientSubscribe>(channel.HandleIn(Subscribe("$share/g/t"), 0).Command);

        Assert.Null(Assert.Single(forwarded.Refused));
    }

    [Fact]
    public void UNSUBSCRIBE_is_forwarded_to_the_session()
    {
        var (channel, _) = Connected();
        var unsubscribe = new UnsubscribePacket { PacketId = 3, TopicFilters = ["a/b"] };

        Assert.Same(unsubscribe, Assert.IsType<ClientUnsubscribe>(channel.HandleIn(unsubscribe, 0).Command).Packet);
    }

    private static SubscribePacket Subscribe(params string[] filters) => new()
    {
        PacketId = 1,
        Subscriptions = filters.Select(f => new TopicSubscription(f, new SubscriptionOptions(QualityOfService.AtLeastOnce))).ToArray(),
    };
}
