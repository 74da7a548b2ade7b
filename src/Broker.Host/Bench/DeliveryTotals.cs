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
/// Without the publishers' counts (<c>sub</c> on its own), a pair's loss is the gaps between the lowest and highest
/// sequence it saw.
/// </para>
/// </summary>
public sealed record DeliveryTotals(long Received, long Expected, long Lost, long Duplicates, long OutOfOrder, long Foreign, LatencyHistogram Latency)
{
    /// <param name="subscriberFilters">Each subscriber's filter, by subscriber index.</param>
    /// <param name="publisherTopics">Each publisher's topic, by publisher index; null when the publishers are elsewhere.</param>
    /// <param name="sent">Messages each publisher sent, by publisher index; null when the publishers are elsewhere.</param>
    public static DeliveryTotals Compute(
        IReadOnlyList<DeliveryTracker> subscribers, IReadOnlyList<string> subscriberFilters,
        IReadOnlyList<string>? publisherTopics, IReadOnlyList<long>? sent)
    {
        ArgumentNullException.ThrowIfNull(subscribers);
        ArgumentNullException.ThrowIfNull(subscriberFilters);
        long received = 0, expected = 0, lost = 0, duplicates = 0, outOfOrder = 0, foreign = 0;
        var latency = new LatencyHistogram();
        for (var s = 0; s < subscribers.Count; s++)
        {
            var tracker = subscribers[s];
            received += tracker.Received;
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
            }
        }
        return new DeliveryTotals(received, expected, lost, duplicates, outOfOrder, foreign, latency);
    }
}
