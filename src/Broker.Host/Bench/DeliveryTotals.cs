namespace Broker.Host.Bench;

/// <summary>
/// The run's delivery figures, from each subscriber's <see cref="DeliveryTracker"/>.
/// <para>
/// Expected deliveries, when the publishers ran in this process (<c>pubsub</c>): every (subscriber, publisher) pair
/// whose filter matches the publisher's topic expects every message that publisher sent, and so does any other pair
/// that received at least one message. Publishers start only after every subscriber's SUBACK, so all their messages
/// were sent after the subscriptions were acknowledged. Lost = expected - distinct messages received, per pair.
/// </para>
/// <para>
/// Acknowledged loss, at QoS 1 and 2 with the publishers in this process: the same pairs expect every message the
/// broker acknowledged to the publisher (its PUBACK, or at QoS 2 its PUBREC: from then on the message is the broker's
/// to deliver). <see cref="AckedLost"/> counts, per pair, the acknowledged sequences the subscriber never received;
/// a message the broker did not acknowledge is not counted there, since its publisher still holds it.
/// </para>
/// <para>
/// Without the publishers' counts (<c>sub</c> on its own), a pair's loss is the gaps between the lowest and highest
/// sequence it saw, and acknowledged loss is unknown (0).
/// </para>
/// </summary>
/// <param name="Delivered">Distinct messages received, summed over subscribers (duplicates and foreign payloads left out).</param>
/// <param name="AckedDeliveries">Acknowledged messages times the subscribers that expect them.</param>
/// <param name="AckedLost">Of <paramref name="AckedDeliveries"/>, those that never arrived.</param>
public sealed record DeliveryTotals(
    long Received, long Expected, long Lost, long Duplicates, long OutOfOrder, long Foreign, LatencyHistogram Latency,
    long Delivered = 0, long AckedDeliveries = 0, long AckedLost = 0)
{
    /// <param name="subscriberFilters">Each subscriber's filter, by subscriber index.</param>
    /// <param name="publisherTopics">Each publisher's topic, by publisher index; null when the publishers are elsewhere.</param>
    /// <param name="sent">Messages each publisher sent, by publisher index; null when the publishers are elsewhere.</param>
    /// <param name="acked">
    /// The sequences the broker acknowledged to each publisher, by publisher index (null entries for publishers without
    /// one); null at QoS 0 or when the publishers are elsewhere.
    /// </param>
    public static DeliveryTotals Compute(
        IReadOnlyList<DeliveryTracker> subscribers, IReadOnlyList<string> subscriberFilters,
        IReadOnlyList<string>? publisherTopics, IReadOnlyList<long>? sent, IReadOnlyList<SequenceSet?>? acked = null)
    {
        ArgumentNullException.ThrowIfNull(subscribers);
        ArgumentNullException.ThrowIfNull(subscriberFilters);
        long received = 0, delivered = 0, expected = 0, lost = 0, duplicates = 0, outOfOrder = 0, foreign = 0;
        long ackedDeliveries = 0, ackedLost = 0;
        var latency = new LatencyHistogram();
        for (var s = 0; s < subscribers.Count; s++)
        {
            var tracker = subscribers[s];
            received += tracker.Received;
            delivered += tracker.Delivered;
            foreign += tracker.Foreign;
            latency.Add(tracker.Latency);
            foreach (var (_, stream) in tracker.Streams())
            {
                duplicates += stream.Duplicates;
                outOfOrder += stream.OutOfOrder;
            }
            if (sent is null || publisherTopics is null)
            {
                foreach (var (_, stream) in tracker.Streams())
                {
                    expected += stream.Unique + stream.Gaps;
                    lost += stream.Gaps;
                }
                continue;
            }
            for (var p = 0; p < sent.Count; p++)
            {
                var stream = tracker.StreamOf(p);
                if (stream is null && !TopicFilter.Matches(subscriberFilters[s], publisherTopics[p]))
                    continue;
                expected += sent[p];
                lost += Math.Max(0, sent[p] - (stream?.Unique ?? 0));
                if (acked is not null && p < acked.Count && acked[p] is { } ackedByBroker)
                {
                    ackedDeliveries += ackedByBroker.Count;
                    ackedLost += ackedByBroker.CountMissingFrom(stream?.Seen);
                }
            }
        }
        return new DeliveryTotals(received, expected, lost, duplicates, outOfOrder, foreign, latency, delivered, ackedDeliveries, ackedLost);
    }
}
