using Broker.Core.Messaging;
using Broker.Core.Routing;
using Broker.Core.Sessions;
using Broker.Core.Tests.Sessions.Support;
using Broker.Mqtt;
using Broker.Mqtt.Packets;

namespace Broker.Core.Tests.Sessions;

/// <summary>
/// A connected subscriber that cannot keep up loses no QoS 1/2 message: it keeps its publishers' credits while their
/// messages wait in its queue, holds back the acknowledgement of what comes past max_mqueue_len, and stops doing
/// either once it has acknowledged nothing for slow_subscriber_timeout.
/// </summary>
public class SessionStatePushBackTests
{
    private const int Limit = 3;
    private static readonly TimeSpan SlowTimeout = TimeSpan.FromSeconds(5);
    private readonly SessionHarness _session = new(new MqttSettings { MaxInflight = 1, MaxQueueLength = Limit, SlowSubscriberTimeout = SlowTimeout });
    private readonly CountingCredit _credit = new();
    private readonly RecordingActor _publisher = new();

    public SessionStatePushBackTests() => _session.Subscribe("t/#", QualityOfService.ExactlyOnce);

    private long TimeoutMs => (long)SlowTimeout.TotalMilliseconds;

    private bool IsFull => ((ISubscriberRoom)_session.State).IsFull;

    private bool Deliver(string topic, QualityOfService qos = QualityOfService.AtLeastOnce, PublishCommit? admission = null) => _session.Deliver(
        new Deliver(SessionHarness.Message(topic, qos), "t/#", new SubscriptionOptions(QualityOfService.ExactlyOnce), 0, null)
        {
            Credit = _credit,
            Admission = admission,
        });

    /// <summary>A publish routed while the subscriber was full: the router joined its commit before telling the session.</summary>
    private PublishCommit RoutedWhileFull()
    {
        var commit = new PublishCommit(_publisher, waitsForStorage: false).Begin(1);
        commit.Join();
        Assert.False(commit.Seal());
        return commit;
    }

    private void AckNext()
    {
        var sent = _session.SentPublishes().Single();
        _session.Ack(new PubAckPacket { PacketId = sent.PacketId });
    }

    [Fact]
    public void A_queued_QoS_1_message_keeps_its_credit_until_a_queued_message_leaves_the_queue()
    {
        Assert.False(Deliver("t/sent")); // into the window at once: returned by the caller
        Assert.True(Deliver("t/queued"));
        Assert.Equal(1, _session.State.HeldCredits);

        AckNext();

        Assert.Equal(0, _session.State.HeldCredits);
        Assert.Equal(1, _credit.ReturnedSoFar);
        Assert.Equal("t/queued", _session.SentPublishes().Single().Topic);
    }

    [Fact]
    public void A_connected_subscriber_that_makes_progress_loses_no_QoS_1_or_2_message_past_max_mqueue_len()
    {
        Deliver("t/sent");
        for (var i = 0; i < 10 * Limit; i++)
        {
            Deliver($"t/{i}", i % 2 == 0 ? QualityOfService.AtLeastOnce : QualityOfService.ExactlyOnce);
        }

        Assert.Equal(10 * Limit, _session.State.QueueLength);
        Assert.Equal(0, _session.State.DroppedMessages);

        var received = new List<string>();
        for (var i = 0; i <= 10 * Limit; i++)
        {
            var sent = _session.SentPublishes().Single();
            received.Add(sent.Topic);
            _session.Ack(sent.QoS == QualityOfService.AtLeastOnce ? new PubAckPacket { PacketId = sent.PacketId } : new PubRecPacket { PacketId = sent.PacketId });
            if (sent.QoS == QualityOfService.ExactlyOnce)
            {
                _session.Ack(new PubCompPacket { PacketId = sent.PacketId });
            }
        }

        Assert.Equal(["t/sent", .. Enumerable.Range(0, 10 * Limit).Select(i => $"t/{i}")], received);
        Assert.Equal(0, _session.Metrics.MessagesDropped);
    }

    [Fact]
    public void At_max_mqueue_len_the_session_is_full_and_a_publish_routed_then_is_acknowledged_once_its_message_is_within_the_limit()
    {
        Deliver("t/sent");
        for (var i = 0; i < Limit - 1; i++)
        {
            Deliver($"t/{i}");
        }

        Assert.False(IsFull);
        Deliver("t/last-with-room");
        Assert.True(IsFull);

        var first = RoutedWhileFull();
        var second = RoutedWhileFull();
        Deliver("t/over-1", admission: first);
        Deliver("t/over-2", admission: second);
        Assert.Equal(2, _session.State.HeldAdmissions);

        AckNext(); // t/sent leaves the window, t/0 leaves the queue: t/over-1 is within the limit
        Assert.True(first.IsComplete);
        Assert.False(second.IsComplete);
        Assert.True(IsFull);

        AckNext();
        Assert.True(second.IsComplete);
        Assert.Equal([first, second], _publisher.Told);
        Assert.True(IsFull); // t/last-with-room, t/over-1, t/over-2: the limit, no room for another

        AckNext();
        Assert.False(IsFull);
    }

    [Fact]
    public void A_publish_routed_while_full_whose_message_is_sent_at_once_is_acknowledged_at_once()
    {
        var admission = RoutedWhileFull();

        Deliver("t/sent", admission: admission);

        Assert.True(admission.IsComplete);
        Assert.Equal(0, _session.State.HeldAdmissions);
    }

    [Fact]
    public void A_subscriber_that_acknowledges_nothing_for_slow_subscriber_timeout_lets_its_publishers_go_and_drops_its_overflow()
    {
        Deliver("t/sent");
        var admissions = new List<PublishCommit>();
        for (var i = 0; i < Limit + 5; i++)
        {
            var admission = i >= Limit ? RoutedWhileFull() : null;
            if (admission is not null)
            {
                admissions.Add(admission);
            }

            Assert.True(Deliver($"t/{i}", admission: admission));
        }

        Assert.Equal(_session.NowMs + TimeoutMs, _session.State.NextStallCheckMs());

        _session.NowMs += TimeoutMs - 1;
        _session.Timeout(SessionTimer.Stall);
        Assert.Equal(Limit + 5, _session.State.HeldCredits);
        Assert.False(_session.State.IsStalled(_session.NowMs));

        _session.NowMs += 1;
        _session.Timeout(SessionTimer.Stall);
        Assert.True(_session.State.IsStalled(_session.NowMs));
        Assert.Equal(0, _session.State.HeldCredits);
        Assert.Equal(Limit + 5, _credit.ReturnedSoFar);
        Assert.All(admissions, a => Assert.True(a.IsComplete));
        Assert.False(IsFull);
        Assert.Equal(Limit, _session.State.QueueLength);
        Assert.Equal(5, _session.Metrics.Dropped(DropReason.QueueFull));
        Assert.Null(_session.State.NextStallCheckMs());

        // Still stalled: a new message pushes the oldest queued one out and keeps no credit.
        Assert.False(Deliver("t/stalled"));
        Assert.Equal(6, _session.Metrics.Dropped(DropReason.QueueFull));

        // Its next acknowledgement ends the stall: it holds its publishers again.
        AckNext();
        Assert.False(_session.State.IsStalled(_session.NowMs));
        Assert.True(Deliver("t/after"));
    }

    [Fact]
    public void A_window_that_was_empty_starts_the_slow_subscriber_clock_with_its_first_message()
    {
        _session.NowMs += 10 * TimeoutMs; // nothing in flight for a long time: that is not a stall

        Deliver("t/sent");
        Assert.True(Deliver("t/queued"));

        Assert.False(_session.State.IsStalled(_session.NowMs));
        Assert.Equal(_session.NowMs + TimeoutMs, _session.State.NextStallCheckMs());
    }

    [Fact]
    public void QoS_0_keeps_no_credit()
    {
        _session.Writable = false;

        Assert.False(Deliver("t/qos0", QualityOfService.AtMostOnce));
        Assert.Equal(0, _session.State.HeldCredits);
    }

    [Fact]
    public void A_client_publishing_to_itself_keeps_no_credit_of_its_own_connection()
    {
        _session.Attach(inboundCredit: _credit);
        Deliver("t/sent");

        Assert.False(Deliver("t/own"));
        Assert.Equal(0, _session.State.HeldCredits);
    }

    [Fact]
    public void A_client_that_goes_away_lets_its_publishers_go_and_keeps_max_mqueue_len()
    {
        Deliver("t/sent");
        var admission = RoutedWhileFull();
        for (var i = 0; i < Limit + 2; i++)
        {
            Deliver($"t/{i}", admission: i == Limit + 1 ? admission : null);
        }

        _session.Detach();

        Assert.Equal(0, _session.State.HeldCredits);
        Assert.Equal(Limit + 2, _credit.ReturnedSoFar);
        Assert.True(admission.IsComplete);
        Assert.Equal(Limit, _session.State.QueueLength);
        Assert.Equal(2, _session.Metrics.Dropped(DropReason.QueueFull));
        Assert.False(Deliver("t/away"));
        Assert.Equal(3, _session.Metrics.Dropped(DropReason.QueueFull));
    }

    [Fact]
    public void Drops_are_reported_at_once_then_at_most_once_per_interval_with_a_count_per_reason()
    {
        _session.Detach();
        for (var i = 0; i < Limit + 1; i++)
        {
            Deliver($"t/{i}");
        }

        Assert.Equal("1 delivery.dropped.queue_full", _session.State.TakeDropReport(_session.NowMs));
        Assert.Null(_session.State.NextDropReportMs());

        Deliver("t/more");
        Deliver("t/qos0", QualityOfService.AtMostOnce);
        Assert.Null(_session.State.TakeDropReport(_session.NowMs + 1));
        Assert.Equal(_session.NowMs + DropWarningsInterval, _session.State.NextDropReportMs());
        Assert.Equal("1 delivery.dropped.queue_full, 1 delivery.dropped.qos0_msg", _session.State.TakeDropReport(_session.NowMs + DropWarningsInterval));
    }

    private const long DropWarningsInterval = 10_000;
}
