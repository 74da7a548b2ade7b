using Broker.Interop.Tests.Infrastructure;

namespace Broker.Interop.Tests;

/// <summary>
/// Overload without loss (ARCHITECTURE.md, "Overload"): many publishers and one subscriber slower than them, with
/// the broker at its default settings. Every message the broker acknowledged reaches the subscriber, none twice at
/// QoS 2, and the broker reports no drop for it. (A subscriber that stops reading: <see cref="SlowSubscriberTests"/>.)
/// </summary>
public sealed class OverloadTests(InteropBroker broker, ITestOutputHelper output) : InteropTest(broker, output)
{
    private const int Publishers = 10;

    /// <summary>
    /// 10 paho publishers, 64 messages in flight each, against one paho subscriber that takes 0.5 ms over each
    /// message before acknowledging it: 5,000 messages pass the subscriber's queue limit (max_mqueue_len 1,000)
    /// within a second, so it holds its publishers back instead of dropping what was acknowledged.
    /// </summary>
    /// <param name="shared">The subscriber is the one member of a <c>$share</c> group.</param>
    [InteropTheory(Tools.Paho)]
    [InlineData("311", 1, false)]
    [InlineData("311", 2, false)]
    [InlineData("5", 1, false)]
    [InlineData("5", 2, false)]
    [InlineData("5", 1, true)]
    public async Task Fan_in_to_a_slower_subscriber_delivers_every_acknowledged_message_once(string version, int qos, bool shared)
    {
        const int perPublisher = 500;
        var topic = Names.Topic("fan-in");
        var subscriberId = Names.ClientId("fan-in");
        var publisherIds = Enumerable.Range(0, Publishers).Select(i => Names.ClientId($"p{i}")).ToList();
        var subscriber = Clients.Paho("collect.py", "--version", version, "--client-id", subscriberId, "--topic", (shared ? "$share/g/" : "") + topic + "/#",
            "--qos", $"{qos}", "--publishers", string.Join(',', publisherIds), "--count", $"{perPublisher}", "--delay-ms", "0.5",
            "--timeout", "120");
        await subscriber.WaitForLineAsync(ClientEvent.Named("subscribed"), Deadline, "SUBACK");

        var publishers = publisherIds.Select(id => Clients.Paho("publish_stream.py", "--version", version, "--client-id", id,
            "--topic", $"{topic}/{id}", "--qos", $"{qos}", "--count", $"{perPublisher}", "--inflight", "64", "--timeout", "120")).ToList();
        foreach (var publisher in publishers)
        {
            await publisher.ExpectSuccessAsync(TimeSpan.FromSeconds(150));
            var acknowledged = await publisher.WaitForLineAsync(ClientEvent.Named("acknowledged"), Deadline, "all acknowledged");
            Assert.Equal(perPublisher, ClientEvent.Parse(acknowledged).GetProperty("count").GetInt32());
        }

        var summary = ClientEvent.Parse(await subscriber.WaitForLineAsync(ClientEvent.Named("summary"), TimeSpan.FromSeconds(150), "summary"));
        Assert.Equal("[]", summary.GetProperty("missing").GetRawText());
        Assert.Equal(Publishers * perPublisher, summary.GetProperty("received").GetInt32());
        if (qos == 2)
            Assert.Equal(0, summary.GetProperty("duplicates").GetInt32());
        if (BrokerLogSinceStart is { } log)
            Assert.Equal(0, BrokerDropWarnings.DroppedFor(log, subscriberId));
    }
}
