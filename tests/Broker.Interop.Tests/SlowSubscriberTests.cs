using Broker.Interop.Tests.Infrastructure;

namespace Broker.Interop.Tests;

/// <summary>
/// A subscriber that stops reading holds its publishers back for slow_subscriber_timeout only, and what it lost is
/// what the broker counted and logged. Ours only: the test starts its own broker with a shorter timeout.
/// </summary>
public sealed class SlowSubscriberTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    /// <summary>
    /// A mosquitto_sub stopped with SIGSTOP acknowledges nothing: after slow_subscriber_timeout (2 s here, 5 s by
    /// default) its publisher's remaining messages are acknowledged and the subscriber keeps its window (32) and its
    /// queue (1,000). Resumed, it receives those; the broker's drop warnings count exactly the rest.
    /// </summary>
    [InteropFact(Tools.MosquittoSub, Tools.Paho, OursOnly = true)]
    public async Task A_stalled_subscriber_holds_its_publisher_back_only_until_the_timeout_and_its_losses_are_counted()
    {
        const int count = 3000;
        await using var own = await BrokerProcess.StartOursAsync("--mqtt.slow_subscriber_timeout=2s");
        using var clients = new Clients(output, own.Endpoint);
        var topic = Names.Topic("stalled");
        var subscriberId = Names.ClientId("stalled");
        var subscriber = clients.MosquittoSub("-d", "-i", subscriberId, "-q", "1", "-t", topic, "-F", MosquittoSubLine.Format);
        await subscriber.WaitForLineAsync(MosquittoSubLine.IsSuback, Deadline, "SUBACK");
        Signals.Stop(subscriber.Pid);
        try
        {
            var publisherId = Names.ClientId("pub");
            await clients.Paho("publish_stream.py", "--client-id", publisherId, "--topic", topic, "--qos", "1",
                "--count", $"{count}", "--timeout", "60").ExpectSuccessAsync(TimeSpan.FromSeconds(90));
        }
        finally
        {
            Signals.Continue(subscriber.Pid);
        }

        // What arrives, and what the broker says it dropped, add up to what was published: wait until they do.
        var deadline = DateTime.UtcNow + Deadline;
        int Received() => subscriber.Lines.Where(MosquittoSubLine.IsMessage).Select(l => MosquittoSubLine.Parse(l).Payload).Distinct().Count();
        while (Received() + BrokerDropWarnings.DroppedFor(own.Output.Lines, subscriberId) < count && DateTime.UtcNow < deadline)
            await own.Output.WaitForOutputAfterAsync(own.Output.TranscriptCount, TimeSpan.FromMilliseconds(500));

        output.WriteLine(own.Output.Describe());
        var received = Received();
        Assert.InRange(received, 32 + 1000, count - 1);
        Assert.Equal(count - received, BrokerDropWarnings.DroppedFor(own.Output.Lines, subscriberId));
    }
}
