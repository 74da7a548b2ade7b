using Broker.Core.Messaging;
using Broker.Core.Persistence;
using Broker.Core.Sessions;
using Broker.Core.Sessions.Journal;
using Broker.Core.Tests.Sessions.Support;
using Broker.Mqtt;
using Broker.Mqtt.Packets;

namespace Broker.Core.Tests.Sessions.Durable;

/// <summary>What the mutators record (the state's <see cref="SessionEffectKind.Record"/> effects) is enough to rebuild the state: a replay on an empty session matches it.</summary>
public class SessionJournalReplayTests
{
    [Fact]
    public void Replaying_the_journal_of_a_busy_session_rebuilds_its_subscriptions_window_queue_and_awaiting_rel_ids()
    {
        var session = new SessionHarness(new MqttSettings { MaxInflight = 3, MaxQueueLength = 5 });
        session.State.BeginJournal();
        session.Subscribe("t/#", QualityOfService.ExactlyOnce);
        session.Subscribe("gone/#", QualityOfService.AtLeastOnce);
        session.Unsubscribe(new UnsubscribePacket { PacketId = 3, TopicFilters = ["gone/#"] });
        for (var i = 0; i < 10; i++)
        {
            session.Deliver(SessionHarness.Message($"t/{i}", i % 2 == 0 ? QualityOfService.AtLeastOnce : QualityOfService.ExactlyOnce));
        }

        var sent = session.SentPublishes();
        session.Ack(sent[0].QoS == QualityOfService.AtLeastOnce ? new PubAckPacket { PacketId = sent[0].PacketId } : new PubRecPacket { PacketId = sent[0].PacketId });
        session.Ack(new PubRecPacket { PacketId = sent[1].PacketId });
        session.HandlePublish(SessionHarness.Message("in/1", QualityOfService.ExactlyOnce), 77);
        session.HandlePublish(SessionHarness.Message("in/2", QualityOfService.ExactlyOnce), 78);
        session.Ack(new PubRelPacket { PacketId = 77 });
        session.Detach();

        var replayed = new SessionHarness().State;
        foreach (var @event in session.Recorded)
        {
            replayed.Apply(@event, session.NowMs);
        }

        Assert.Equal(Describe(session.State.TakeSnapshot()), Describe(replayed.TakeSnapshot()));
        // 10 delivered into a window of 3 and a queue of 5 (past it while connected), one acknowledged: 3 in flight,
        // 6 queued; then the client went away: back to the limit of 5, the oldest dropped.
        Assert.Equal((3, 5, 1), (session.State.InflightCount, session.State.QueueLength, session.State.AwaitingRelCount));
    }

    [Fact]
    public void MQTT_3_3_4_4_a_delivery_of_overlapping_subscriptions_read_back_from_storage_is_resent_with_every_identifier()
    {
        var session = new SessionHarness();
        session.State.BeginJournal();
        var options = new SubscriptionOptions(QualityOfService.AtLeastOnce);
        session.Subscribe("a/+", options, subscriptionId: 2);
        session.Subscribe("a/#", options, subscriptionId: 3);
        session.DeliverOverlapping(SessionHarness.Message("a/b"), new("a/+", options, 2), new("a/#", options, 3));
        var sent = Assert.Single(session.SentPublishes());

        var replayed = new SessionHarness();
        foreach (var @event in session.Recorded)
        {
            var stored = SessionEventSerializer.Instance.ToBytes(@event);
            replayed.State.Apply((SessionEvent)SessionEventSerializer.Instance.FromBytes(stored), replayed.NowMs);
        }

        replayed.Attach();
        var resent = Assert.Single(replayed.SentPublishes());
        Assert.Equal((sent.PacketId, true, QualityOfService.AtLeastOnce), (resent.PacketId, resent.Dup, resent.QoS));
        Assert.Equal([2, 3], resent.Properties.SubscriptionIdentifiers.Order());
    }

    private static string Describe(SessionStateSnapshot snapshot) => string.Join(
        "\n",
        snapshot.Subscriptions.Select(s => $"sub {s.Filter} {s.Subscription.Options.MaximumQoS}")
            .Concat(snapshot.Queued.Select(q => $"queued {q.Id} {q.Deliver.Message.Topic} {q.QoS}"))
            .Concat(snapshot.Inflight.Select(m => $"inflight {m.Message.PacketId} {m.Message.Deliver.Message.Topic} {m.Phase}"))
            .Concat(snapshot.AwaitingRel.Select(r => $"rel {r.PacketId}"))
            .Append($"next {snapshot.NextMessageId}"));
}
