using Broker.Core.Messaging;
using Broker.Core.Tests.Sessions.Support;
using Broker.Mqtt;
using Broker.Mqtt.Packets;
using static Broker.Core.Tests.Sessions.Support.SessionHarness;

namespace Broker.Core.Tests.Sessions;

/// <summary>SUBSCRIBE and UNSUBSCRIBE: granted QoS, retained messages by Retain Handling, UNSUBACK codes.</summary>
public class SessionStateSubscriptionTests
{
    [Fact]
    public void The_granted_QoS_is_capped_by_the_brokers_maximum_and_given_to_the_router()
    {
        var session = new SessionHarness(MqttSettings.Default with { MaximumQoS = QualityOfService.AtLeastOnce });
        Assert.Equal(ReasonCode.GrantedQoS1, session.Subscribe("a/b", QualityOfService.ExactlyOnce));
        var call = session.Subscribed.Single();
        Assert.Equal(("a/b", QualityOfService.AtLeastOnce), (call.Filter, call.Options.MaximumQoS));
    }

    [Fact]
    public void A_filter_the_channel_refused_gets_its_code_and_is_not_subscribed()
    {
        var session = new SessionHarness();
        var code = session.Subscribe("$share/g/#", new SubscriptionOptions(QualityOfService.AtLeastOnce), refused: ReasonCode.SharedSubscriptionsNotSupported);
        Assert.Equal(ReasonCode.SharedSubscriptionsNotSupported, code);
        Assert.Empty(session.Subscribed);
        Assert.Empty(session.State.Subscriptions);
    }

    [Fact]
    public void One_SUBACK_code_per_filter_in_order()
    {
        var session = new SessionHarness();
        session.Subscribe(
            new SubscribePacket
            {
                PacketId = 3,
                Subscriptions = [new("a", new(QualityOfService.AtMostOnce)), new("b", new(QualityOfService.ExactlyOnce)), new("c", new(QualityOfService.AtLeastOnce))],
            },
            [null, ReasonCode.TopicFilterInvalid]);

        var suback = Assert.IsType<SubAckPacket>(session.Sent().Single());
        Assert.Equal(3, suback.PacketId);
        Assert.Equal([ReasonCode.GrantedQoS0, ReasonCode.TopicFilterInvalid, ReasonCode.GrantedQoS1], suback.ReasonCodes);
    }

    [Fact]
    public void MQTT_3_3_1_9_retain_handling_0_sends_retained_messages_after_the_SUBACK_on_every_subscribe()
    {
        var session = new SessionHarness();
        session.AddRetained("t/#", Message(retain: true));

        session.Subscribe("t/#", new SubscriptionOptions(QualityOfService.AtLeastOnce, RetainHandling: RetainHandling.SendOnSubscribe));
        var first = session.SentPublishes().Single();
        Assert.True(first.Retain);

        session.Subscribe("t/#", new SubscriptionOptions(QualityOfService.AtLeastOnce, RetainHandling: RetainHandling.SendOnSubscribe));
        Assert.Single(session.SentPublishes());
    }

    [Fact]
    public void MQTT_3_3_1_10_retain_handling_1_sends_retained_messages_only_for_a_new_subscription()
    {
        var session = new SessionHarness();
        session.AddRetained("t/#", Message(retain: true));
        var options = new SubscriptionOptions(QualityOfService.AtLeastOnce, RetainHandling: RetainHandling.SendOnNewSubscribe);

        session.Subscribe("t/#", options);
        Assert.Single(session.SentPublishes());

        session.Subscribe("t/#", options);
        Assert.Empty(session.SentPublishes());
    }

    [Fact]
    public void MQTT_3_3_1_11_retain_handling_2_never_sends_retained_messages()
    {
        var session = new SessionHarness();
        session.AddRetained("t/#", Message(retain: true));
        session.Subscribe("t/#", new SubscriptionOptions(QualityOfService.AtLeastOnce, RetainHandling: RetainHandling.DoNotSend));
        Assert.Empty(session.SentPublishes());
    }

    [Fact]
    public void No_retained_messages_for_a_shared_subscription()
    {
        var session = new SessionHarness();
        session.AddRetained("$share/g/t/#", Message(retain: true));
        session.Subscribe("$share/g/t/#", QualityOfService.AtLeastOnce);
        Assert.Empty(session.SentPublishes());
    }

    [Fact]
    public void The_subscription_identifier_is_kept_and_retained_messages_carry_it()
    {
        var session = new SessionHarness();
        session.AddRetained("t/#", Message(retain: true));
        session.Subscribe("t/#", new SubscriptionOptions(QualityOfService.AtLeastOnce), subscriptionId: 7);

        Assert.Equal(7, session.State.Subscriptions["t/#"].SubscriptionId);
        Assert.Equal(7, session.Subscribed.Single().SubscriptionId);
        Assert.Equal([7], session.SentPublishes().Single().Properties.SubscriptionIdentifiers);
    }

    [Fact]
    public void Unsubscribe_answers_0x00_or_0x11_No_subscription_existed_on_5_0()
    {
        var session = new SessionHarness();
        session.Subscribe("a");
        session.Unsubscribe(new UnsubscribePacket { PacketId = 4, TopicFilters = ["a", "b"] });

        var unsuback = Assert.IsType<UnsubAckPacket>(session.Sent().Single());
        Assert.Equal(4, unsuback.PacketId);
        Assert.Equal([ReasonCode.Success, ReasonCode.NoSubscriptionExisted], unsuback.ReasonCodes);
        Assert.Equal(["a", "b"], session.Unsubscribed);
        Assert.Empty(session.State.Subscriptions);
    }

    [Fact]
    public void A_3_1_1_UNSUBACK_has_no_reason_codes()
    {
        var session = new SessionHarness(version: MqttProtocolVersion.V311);
        session.Unsubscribe(new UnsubscribePacket { PacketId = 4, TopicFilters = ["a"] });
        Assert.Empty(Assert.IsType<UnsubAckPacket>(session.Sent().Single()).ReasonCodes);
    }

    [Fact]
    public void Ending_the_session_removes_every_subscription_from_the_router()
    {
        var session = new SessionHarness();
        session.Subscribe("a");
        session.Subscribe("b");
        session.End();
        Assert.Equal(["a", "b"], session.Unsubscribed.Order());
        Assert.False(session.State.IsConnected);
    }
}
