using Broker.Transport.Messaging;
using Broker.Transport.Mqtt;
using Broker.Transport.Mqtt.Packets;
using Broker.Transport.Routing;
using Broker.Transport.Sessions;
using Broker.Transport.Tests.Sessions.Support;

namespace Broker.Transport.Tests.Sessions;

/// <summary>A connected subscriber that cannot keep up keeps its publishers' credits while their QoS 1/2 messages wait in its queue.</summary>
public class SessionStateCreditTests
{
    private readonly SessionHarness _session = new(new MqttSettings { MaxInflight = 1, MaxQueueLength = 0 });
    private readonly CountingCredit _credit = new();

    public SessionStateCreditTests() => _session.Subscribe("t/#", QualityOfService.AtLeastOnce);

    private bool Deliver(string topic, QualityOfService qos = QualityOfService.AtLeastOnce) => _session.State.Deliver(
        new Deliver(SessionHarness.Message(topic, qos), "t/#", new SubscriptionOptions(QualityOfService.AtLeastOnce), 0, null) { Credit = _credit },
        _session.NowMs);

    [Fact]
    public void A_queued_QoS_1_message_keeps_its_credit_until_a_queued_message_leaves_the_queue()
    {
        Assert.False(Deliver("t/sent")); // into the window at once: returned by the caller
        Assert.True(Deliver("t/queued"));
        Assert.Equal(1, _session.State.HeldCredits);

        var sent = _session.SentPublishes().Single();
        _session.Ack(new PubAckPacket { PacketId = sent.PacketId });

        Assert.Equal(0, _session.State.HeldCredits);
        Assert.Equal(1, _credit.ReturnedSoFar);
        Assert.Equal("t/queued", _session.SentPublishes().Single().Topic);
    }

    [Fact]
    public void A_subscriber_that_acknowledges_nothing_for_the_stall_time_gives_every_credit_back_and_keeps_none()
    {
        Deliver("t/sent");
        var kept = Enumerable.Range(0, 50).Count(i => Deliver($"t/{i}"));
        Assert.Equal(50, kept);
        Assert.Equal(_session.NowMs + SessionState.CreditStallMs, _session.State.NextCreditStallCheckMs());

        _session.NowMs += SessionState.CreditStallMs - 1;
        _session.State.ReleaseCreditsIfStalled(_session.NowMs);
        Assert.Equal(50, _session.State.HeldCredits);

        _session.NowMs += 1;
        _session.State.ReleaseCreditsIfStalled(_session.NowMs);
        Assert.Equal(0, _session.State.HeldCredits);
        Assert.Equal(50, _credit.ReturnedSoFar);
        Assert.False(Deliver("t/stalled"));
        Assert.Null(_session.State.NextCreditStallCheckMs());
    }

    [Fact]
    public void QoS_0_keeps_no_credit()
    {
        _session.Connection.IsWritable = false;

        Assert.False(Deliver("t/qos0", QualityOfService.AtMostOnce));
        Assert.Equal(0, _session.State.HeldCredits);
    }

    [Fact]
    public void A_client_that_goes_away_releases_every_credit_and_an_absent_one_keeps_none()
    {
        Deliver("t/sent");
        Deliver("t/1");
        Deliver("t/2");

        _session.Detach();

        Assert.Equal(0, _session.State.HeldCredits);
        Assert.Equal(2, _credit.ReturnedSoFar);
        Assert.False(Deliver("t/3"));
    }
}
