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
