using Broker.Host.Bench;

namespace Broker.Host.Tests.Bench;

public sealed class DeliveryAccountingTests
{
    [Fact]
    public void A_stream_tells_duplicates_from_out_of_order_deliveries()
    {
        var stream = new PublisherStream();
        foreach (var sequence in new long[] { 0, 1, 3, 2, 4, 4, 1, 5 })
            Assert.True(stream.Record(sequence));
        Assert.Equal(6, stream.Unique);
        Assert.Equal(2, stream.Duplicates);
        Assert.Equal(1, stream.OutOfOrder);
        Assert.Equal(0, stream.Gaps);
    }

    [Fact]
    public void Gaps_are_the_missing_sequences_between_the_lowest_and_highest_seen()
    {
        var stream = new PublisherStream();
        foreach (var sequence in new long[] { 100, 101, 105, 200 })
            stream.Record(sequence);
        Assert.Equal(101 - 4, stream.Gaps);
    }

    [Fact]
    public void A_stream_grows_for_long_runs_and_rejects_sequences_that_are_not_ours()
    {
        var stream = new PublisherStream();
        for (long s = 0; s < 100_000; s++)
            stream.Record(s);
        Assert.Equal(100_000, stream.Unique);
        Assert.False(stream.Record(-1));
        Assert.False(stream.Record(PublisherStream.MaxSequence + 1));
    }

    [Fact]
    public void A_wildcard_subscriber_expects_every_publisher_and_pairs_expect_one_each()
    {
        // Two publishers on bench/0 and bench/1; subscriber 0 on bench/# got everything but one message of publisher 1,
        // subscriber 1 on bench/1 got all of publisher 1 and one duplicate.
        var wildcard = Tracker((0, 0, 10), (1, 0, 5), (1, 6, 10));
        var pair = Tracker((1, 0, 10), (1, 9, 10));
        var totals = DeliveryTotals.Compute([wildcard, pair], ["bench/#", "bench/1"], ["bench/0", "bench/1"], [10, 10]);
        Assert.Equal(30, totals.Expected);
        Assert.Equal(1, totals.Lost);
        Assert.Equal(1, totals.Duplicates);
        Assert.Equal(0, totals.OutOfOrder);
        Assert.Equal(19 + 11, totals.Received);
        Assert.Equal(30, totals.Latency.Count);
    }

    [Fact]
    public void A_subscriber_that_received_nothing_from_a_matching_publisher_lost_all_of_it()
    {
        var empty = new DeliveryTracker();
        var totals = DeliveryTotals.Compute([empty], ["bench/+"], ["bench/0", "other/1"], [7, 9]);
        Assert.Equal(7, totals.Expected);
        Assert.Equal(7, totals.Lost);
    }

    [Fact]
    public void Without_the_publishers_counts_loss_is_the_gaps_seen()
    {
        var tracker = Tracker((0, 5, 10), (0, 12, 15));
        var totals = DeliveryTotals.Compute([tracker], ["bench/#"], null, null);
        Assert.Equal(2, totals.Lost);
        Assert.Equal(10, totals.Expected);
    }

    [Fact]
    public void Payloads_without_a_header_are_counted_as_foreign()
    {
        var tracker = new DeliveryTracker();
        tracker.Record(new System.Buffers.ReadOnlySequence<byte>(new byte[10]), 0);
        tracker.Record(new PayloadHeader(-1, 0, 0), 0);
        Assert.Equal(2, tracker.Foreign);
        Assert.Equal(2, tracker.Received);
        Assert.Equal(0, tracker.Latency.Count);
    }

    [Fact]
    public void A_sequence_set_counts_each_sequence_once_and_what_another_set_lacks()
    {
        var acked = new SequenceSet();
        foreach (var sequence in new long[] { 0, 1, 2, 63, 64, 100_000 })
            Assert.True(acked.Add(sequence));
        Assert.False(acked.Add(63));
        Assert.Equal(6, acked.Count);
        Assert.True(acked.Contains(100_000));
        Assert.False(acked.Contains(99_999));
        Assert.False(acked.Contains(-1));
        Assert.False(acked.Contains(SequenceSet.MaxSequence + 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => acked.Add(-1));

        var received = new SequenceSet();
        foreach (var sequence in new long[] { 1, 2, 3, 64 })
            received.Add(sequence);
        // 0, 63 and 100,000 were acknowledged and not received (the other set is shorter there); 3 was received unacknowledged.
        Assert.Equal(3, acked.CountMissingFrom(received));
        Assert.Equal(1, received.CountMissingFrom(acked));
        Assert.Equal(6, acked.CountMissingFrom(null));
        Assert.Equal(0, acked.CountMissingFrom(acked));
    }

    [Fact]
    public void Acknowledged_messages_a_matching_subscriber_never_received_are_acked_lost()
    {
        // Publisher 0 sent 10 and the broker acknowledged 0-7; publisher 1 sent 10, all acknowledged. The wildcard
        // subscriber got 0-4 of publisher 0 (5-7 acknowledged and lost; 8-9 never acknowledged: lost, not acked_lost)
        // and all of publisher 1 (one duplicate); the pair subscriber on bench/1 got 0-8 of publisher 1.
        var wildcard = Tracker((0, 0, 5), (1, 0, 10), (1, 3, 4));
        var pair = Tracker((1, 0, 9));
        var totals = DeliveryTotals.Compute([wildcard, pair], ["bench/#", "bench/1"], ["bench/0", "bench/1"], [10, 10],
            [Acked(0, 8), Acked(0, 10)]);
        Assert.Equal(8 + 10 + 10, totals.AckedDeliveries);
        Assert.Equal(3 + 0 + 1, totals.AckedLost);
        Assert.Equal(5 + 0 + 1, totals.Lost);
        Assert.Equal(1, totals.Duplicates);
        Assert.Equal(5 + 10 + 9, totals.Delivered);
        Assert.Equal(5 + 11 + 9, totals.Received);
    }

    [Fact]
    public void A_subscriber_that_received_nothing_lost_everything_acknowledged_and_QoS_0_has_no_acknowledged_loss()
    {
        var empty = new DeliveryTracker();
        var totals = DeliveryTotals.Compute([empty], ["bench/+"], ["bench/0", "other/1"], [7, 9], [Acked(0, 5), Acked(0, 9)]);
        Assert.Equal((5L, 5L), (totals.AckedDeliveries, totals.AckedLost));
        var qos0 = DeliveryTotals.Compute([empty], ["bench/+"], ["bench/0"], [7], null);
        Assert.Equal((0L, 0L, 7L), (qos0.AckedDeliveries, qos0.AckedLost, qos0.Lost));
        // A publisher without a set (it failed to connect) expects nothing acknowledged.
        var missing = DeliveryTotals.Compute([empty], ["bench/+"], ["bench/0", "bench/1"], [0, 4], [null, Acked(0, 4)]);
        Assert.Equal((4L, 4L), (missing.AckedDeliveries, missing.AckedLost));
    }

    [Fact]
    public void Delivered_counts_distinct_messages_and_leaves_out_duplicates_and_foreign_payloads()
    {
        var tracker = Tracker((0, 0, 3), (0, 1, 2), (2, 0, 1));
        tracker.Record(new PayloadHeader(0, -5, 0), 0);
        Assert.Equal(6, tracker.Received);
        Assert.Equal(4, tracker.Delivered);
        Assert.Equal(1, tracker.Foreign);
    }

    [Fact]
    public void The_summary_reports_acknowledged_loss_and_rates_over_the_window()
    {
        var summary = new BenchSummary
        {
            Scenario = "pubsub",
            QoS = 1,
            DurationSeconds = 2,
            DrainSeconds = 1.5,
            Sent = 1000,
            Acked = 900,
            AckedInWindow = 800,
            Received = 310,
            ReceivedInWindow = 210,
            Delivered = 300,
            DeliveredInWindow = 200,
            AckedDeliveries = 900,
            AckedLost = 600,
        };
        using var json = System.Text.Json.JsonDocument.Parse(summary.ToJson());
        var root = json.RootElement;
        Assert.Equal(100, root.GetProperty("delivered_per_s").GetDouble());
        Assert.Equal(105, root.GetProperty("received_per_s").GetDouble());
        Assert.Equal(400, root.GetProperty("acked_per_s").GetDouble());
        Assert.Equal(300, root.GetProperty("acked_received").GetInt64());
        Assert.Equal(600, root.GetProperty("acked_lost").GetInt64());
        Assert.Equal(66.667, root.GetProperty("acked_lost_pct").GetDouble());
        Assert.Equal(1.5, root.GetProperty("drain_s").GetDouble());
    }

    [Theory]
    [InlineData("bench/#", "bench/1", true)]
    [InlineData("bench/#", "bench", true)] // [MQTT-4.7.1-2]: # includes the parent level
    [InlineData("bench/+", "bench/1", true)]
    [InlineData("bench/+", "bench/1/2", false)]
    [InlineData("bench/1", "bench/10", false)]
    [InlineData("#", "$SYS/x", false)] // [MQTT-4.7.2-1]
    [InlineData("+/x", "a/x", true)]
    [InlineData("$share/g/bench/#", "bench/1", false)]
    public void MQTT_4_7_topic_filters_match_as_the_broker_does(string filter, string topic, bool matches) =>
        Assert.Equal(matches, TopicFilter.Matches(filter, topic));

    [Fact]
    public void Percent_i_is_the_client_index() => Assert.Equal("bench/12/x", TopicFilter.Expand("bench/%i/x", 12));

    private static SequenceSet Acked(long from, long to)
    {
        var set = new SequenceSet();
        for (var s = from; s < to; s++)
            set.Add(s);
        return set;
    }

    private static DeliveryTracker Tracker(params (int Publisher, long From, long To)[] runs)
    {
        var tracker = new DeliveryTracker();
        foreach (var (publisher, from, to) in runs)
        {
            for (var s = from; s < to; s++)
                tracker.Record(new PayloadHeader(publisher, s, 0), 1000);
        }
        return tracker;
    }
}
