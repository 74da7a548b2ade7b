using System.Diagnostics;
using Broker.Host.Configuration;
using Broker.Host.Tests.EndToEnd.Support;
using Broker.Mqtt;
using Broker.Mqtt.Packets;
using Broker.Mqtt.Properties;

namespace Broker.Host.Tests.EndToEnd;

/// <summary>A subscriber that does not keep up costs the broker a bounded amount: its window, its queue and its connection's buffers.</summary>
public sealed class BackPressureTests
{
    private const int QueueLength = 10;

    private static async Task WaitUntil(Func<bool> condition, Func<string> what)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(clock.Elapsed < MqttTestClient.Deadline, $"Timed out waiting for {what()}.");
            await Task.Delay(20);
        }
    }

    /// <summary>
    /// Until slow_subscriber_timeout passes, the publishes past its queue wait for their PUBACK; then it holds the
    /// publisher back no longer, and keeps its window and its queue.
    /// </summary>
    [Fact]
    public async Task A_subscriber_that_never_acknowledges_holds_its_window_and_queue_and_the_rest_is_dropped_and_counted()
    {
        await using var broker = await InProcessBroker.StartAsync(m =>
        {
            m.MaxMqueueLen = QueueLength;
            m.MaxInflight = 5;
            m.SlowSubscriberTimeout = Duration.FromMilliseconds(500);
        });
        var stalled = await broker.ConnectAsync("stalled");
        await stalled.SubscribeAsync("t");
        var publisher = await broker.ConnectAsync("publisher");

        for (var i = 0; i < 100; i++)
        {
            await publisher.PublishAcknowledgedAsync("t", $"m{i}");
        }

        // 5 in flight, 10 queued: the other 85 are dropped, oldest first.
        await WaitUntil(() => broker.Metrics.MessagesDropped >= 85, () => $"85 drops, {broker.Metrics.MessagesDropped} so far");
        for (var i = 0; i < 5; i++)
        {
            await stalled.ReceivePublishAsync($"m{i}");
        }

        await stalled.ExpectNothingAsync();
        Assert.Equal(85, broker.Metrics.MessagesDropped);
    }

    [Fact]
    public async Task A_stalled_TCP_subscriber_does_not_stop_the_broker_and_its_excess_QoS0_messages_are_dropped()
    {
        await using var broker = await InProcessBroker.StartAsync(m => m.MaxMqueueLen = QueueLength);
        var stalled = await broker.OpenAsync(receiveBufferSize: 4096);
        await stalled.ConnectAsync("stalled");
        await stalled.SubscribeAsync("flood", QualityOfService.AtMostOnce);
        stalled.StopReading();
        var publisher = await broker.ConnectAsync("publisher");

        // 64 MiB: well beyond the socket buffers, the connection's high-water mark (4 MiB) and the queue.
        var payload = new string('x', 64 * 1024);
        const int count = 1024;
        for (var i = 0; i < count; i++)
        {
            await publisher.PublishAsync("flood", payload);
        }

        // The publisher and everyone else are still served while the stalled client's share is being dropped.
        await publisher.PublishAcknowledgedAsync("other", "after the flood");
        var listener = await broker.ConnectAsync("listener");
        await listener.SubscribeAsync("other");
        await publisher.PublishAcknowledgedAsync("other", "fresh");
        await listener.ReceivePublishAsync("fresh");

        // What the stalled client holds is bounded: its queue, what its connection took before passing its
        // 4 MiB high-water mark (64 of these messages) and reporting itself unwritable, and what the kernel's
        // send buffer (Linux grows it up to 4 MiB, 64 more) and the transport's pipe (1 MiB, 16) took; the rest is dropped.
        const int bound = QueueLength + 64 + 64 + 16;
        await WaitUntil(() => broker.Metrics.MessagesDropped >= count - bound, () => $"at least {count - bound} drops (dropped {broker.Metrics.MessagesDropped}, delivered {broker.Metrics.MessagesDelivered})");
        Assert.InRange(broker.Metrics.MessagesDelivered, 1, bound);
    }
}
