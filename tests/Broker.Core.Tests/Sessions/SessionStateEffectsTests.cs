using Broker.Core.Messaging;
using Broker.Core.Routing;
using Broker.Core.Sessions;
using Broker.Core.Sessions.Journal;
using Broker.Core.Tests.Sessions.Support;
using Broker.Mqtt;
using Broker.Mqtt.Packets;
using static Broker.Core.Tests.Sessions.Support.SessionHarness;

namespace Broker.Core.Tests.Sessions;

/// <summary>
/// What a <see cref="SessionState"/> handler returns, and in which order, read straight from its effects with no
/// actor and no harness: the order is the order the actor carries them out in.
/// </summary>
public class SessionStateEffectsTests
{
    private const long Now = 1_000_000;
    private readonly SessionState _state = new(ClientId, MqttSettings.Default, new BrokerMetrics());

    public SessionStateEffectsTests()
    {
        _state.Attach(1, new ClientCapabilities(MqttProtocolVersion.V500), null, ConnectionRoom.Unlimited, Now);
        Take();
    }

    private List<SessionEffect> Take()
    {
        var effects = new List<SessionEffect>();
        for (var i = 0; i < _state.Effects.Count; i++)
        {
            effects.Add(_state.Effects[i]);
        }

        _state.Effects.Clear();
        return effects;
    }

    private static SessionEffectKind[] Kinds(IEnumerable<SessionEffect> effects) => [.. effects.Select(e => e.Kind)];

    [Fact]
    public void SUBSCRIBE_returns_the_route_then_SUBACK_then_the_retained_lookup_and_the_lookup_answer_returns_the_PUBLISH()
    {
        var options = new SubscriptionOptions(QualityOfService.AtLeastOnce);
        _state.Subscribe(new SubscribePacket { PacketId = 3, Subscriptions = [new("t/#", options)] }, [], ConnectionRoom.Unlimited);

        var effects = Take();
        Assert.Equal([SessionEffectKind.AddRoute, SessionEffectKind.Send, SessionEffectKind.GetRetained], Kinds(effects));
        Assert.Equal(("t/#", false), (effects[0].Filter, effects[0].Durable));
        Assert.IsType<SubAckPacket>(effects[1].Packet);

        _state.DeliverRetained(Message(retain: true), effects[2].Filter, effects[2].Subscription, Now);
        var publish = Assert.IsType<PublishPacket>(Assert.Single(Take()).Packet);
        Assert.True(publish.Retain);
    }

    [Theory]
    [InlineData(2, ReasonCode.Success)]
    [InlineData(0, ReasonCode.NoMatchingSubscribers)]
    public void A_QoS_1_PUBLISH_returns_the_publish_last_and_its_routing_answer_returns_the_PUBACK(int delivered, ReasonCode expected)
    {
        var credit = new CountingCredit();
        var message = Message(qos: QualityOfService.AtLeastOnce);
        _state.HandlePublish(message, 12, Now, credit);

        var publish = Assert.Single(Take());
        Assert.Equal(SessionEffectKind.Publish, publish.Kind);
        Assert.Equal((message, credit, (ushort)12), (publish.Message, publish.Credit, publish.PacketId));
        Assert.Null(publish.Commit); // none to reuse yet: the actor makes the session's first

        var commit = new PublishCommit(NoActor.Instance, waitsForStorage: false).Begin(12);
        _state.Routed(message, commit, delivered);
        var ack = Assert.IsType<PubAckPacket>(Assert.Single(Take()).Packet);
        Assert.Equal((12, expected), (ack.PacketId, ack.ReasonCode));

        // Nobody joined it: the next publish reuses it.
        _state.HandlePublish(message, 13, Now, credit);
        Assert.Same(commit, Assert.Single(Take()).Commit);
        Assert.Equal(13, commit.PacketId);
    }

    [Fact]
    public void A_durable_session_records_the_stored_message_before_the_PUBLISH_it_sends()
    {
        _state.BeginJournal();
        Take();
        _state.Subscribe(new SubscribePacket { PacketId = 3, Subscriptions = [new("t/#", new(QualityOfService.AtLeastOnce))] }, [], ConnectionRoom.Unlimited);
        Assert.Equal([SessionEffectKind.AddRoute, SessionEffectKind.Record, SessionEffectKind.Send, SessionEffectKind.GetRetained], Kinds(Take()));

        _state.Deliver(new Deliver(Message(), "t/#", new(QualityOfService.AtLeastOnce), 0, null), ConnectionRoom.Unlimited, Now);

        var effects = Take();
        Assert.Equal([SessionEffectKind.Record, SessionEffectKind.Send], Kinds(effects));
        Assert.IsType<MessageStored>(effects[0].Event);
    }

    [Fact]
    public void A_3_1_1_session_asks_for_the_retry_timer_once_and_is_asked_again_only_after_it_fired()
    {
        var state = new SessionState(ClientId, MqttSettings.Default with { RetryInterval = TimeSpan.FromSeconds(30) }, new BrokerMetrics());
        state.Attach(1, new ClientCapabilities(MqttProtocolVersion.V311), null, ConnectionRoom.Unlimited, Now);
        state.Subscribe(new SubscribePacket { PacketId = 3, Subscriptions = [new("t/#", new(QualityOfService.AtLeastOnce))] }, [], ConnectionRoom.Unlimited);
        state.Effects.Clear();

        state.Deliver(new Deliver(Message(topic: "t/a"), "t/#", new(QualityOfService.AtLeastOnce), 0, null), ConnectionRoom.Unlimited, Now);
        state.Deliver(new Deliver(Message(topic: "t/b"), "t/#", new(QualityOfService.AtLeastOnce), 0, null), ConnectionRoom.Unlimited, Now);
        var timers = Enumerable.Range(0, state.Effects.Count).Select(i => state.Effects[i]).Where(e => e.Kind == SessionEffectKind.StartTimer).ToList();
        state.Effects.Clear();
        Assert.Equal((SessionTimer.Retry, Now + 30_000), (Assert.Single(timers).Timer, timers[0].AtMs));

        state.HandleTimeout(SessionTimer.Retry, ConnectionRoom.Unlimited, Now + 30_000);
        var effects = Enumerable.Range(0, state.Effects.Count).Select(i => state.Effects[i]).ToList();
        Assert.Equal([SessionEffectKind.Send, SessionEffectKind.Send, SessionEffectKind.StartTimer], Kinds(effects));
        Assert.All(effects.Take(2), e => Assert.True(((PublishPacket)e.Packet).Dup));
        Assert.Equal(Now + 60_000, effects[2].AtMs);
    }

    [Fact]
    public void Detaching_returns_the_shared_messages_to_redispatch_and_cancels_the_retry_timer_it_asked_for()
    {
        var state = new SessionState(ClientId, MqttSettings.Default, new BrokerMetrics());
        state.Attach(1, new ClientCapabilities(MqttProtocolVersion.V311), null, ConnectionRoom.Unlimited, Now);
        state.Subscribe(new SubscribePacket { PacketId = 3, Subscriptions = [new("$share/g/t/#", new(QualityOfService.AtLeastOnce))] }, [], ConnectionRoom.Unlimited);
        state.Deliver(new Deliver(Message(), "$share/g/t/#", new(QualityOfService.AtLeastOnce), 0, "g"), ConnectionRoom.Unlimited, Now);
        state.Effects.Clear();

        state.Detach(Now);

        var effects = Enumerable.Range(0, state.Effects.Count).Select(i => state.Effects[i]).ToList();
        Assert.Equal([SessionEffectKind.RedispatchShared, SessionEffectKind.CancelTimer], Kinds(effects));
        Assert.Equal(("g", "$share/g/t/#", "t/1"), (effects[0].ShareGroup, effects[0].Filter, effects[0].Message.Topic));
        Assert.Equal(SessionTimer.Retry, effects[1].Timer);
    }

    [Fact]
    public void Nothing_is_sent_or_closed_while_no_connection_is_attached()
    {
        _state.Detach(Now);
        Take();

        _state.HandleAcknowledgement(new PubRelPacket { PacketId = 4 }, ConnectionRoom.None, Now);

        Assert.Empty(Take());
    }

    [Fact]
    public void Effects_accumulate_until_the_actor_clears_them()
    {
        var state = new SessionState(ClientId, MqttSettings.Default, new BrokerMetrics());
        state.Attach(1, new ClientCapabilities(MqttProtocolVersion.V500), null, ConnectionRoom.Unlimited, Now);
        state.Subscribe(new SubscribePacket { PacketId = 3, Subscriptions = [new("t/#", new(QualityOfService.AtMostOnce))] }, [], ConnectionRoom.Unlimited);
        for (var i = 0; i < 100; i++)
        {
            state.Deliver(new Deliver(Message(qos: QualityOfService.AtMostOnce), "t/#", new(QualityOfService.AtMostOnce), 0, null), ConnectionRoom.Unlimited, Now);
        }

        Assert.Equal(103, state.Effects.Count); // the route, SUBACK, the retained lookup and 100 PUBLISH packets
        state.Effects.Clear();
        Assert.Equal(0, state.Effects.Count);
    }
}
