using Broker.Interop.Tests.Infrastructure;

namespace Broker.Interop.Tests;

/// <summary>
/// A device flooding the broker is slowed down by its own messages_rate, not disconnected, and does not hold the others
/// back: their messages pass its flood. Shown by order of arrival at a subscriber, not by timing.
/// </summary>
public sealed class RateLimitTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    [InteropFact(Tools.MosquittoPub, Tools.MosquittoSub, OursOnly = true, OwnBroker = true)]
    public async Task A_flooding_client_is_slowed_to_its_rate_while_another_clients_message_passes_its_flood()
    {
        // 600 messages at 100 a second after a burst of 100: the flood needs about five seconds to get through.
        const int Flood = 600;
        await using var broker = await BrokerProcess.StartOursAsync("--listeners.tcp.messages_rate=100", "--listeners.tcp.messages_burst=100");
        using var clients = new Clients(output, broker.Endpoint);
        var subscriber = clients.MosquittoSub("-d", "-V", "mqttv5", "-i", "scada", "-q", "0", "-t", "plant/#", "-v", "-C", (Flood + 1).ToString());
        await subscriber.WaitForLineAsync(l => l.Contains("SUBACK", StringComparison.Ordinal), Deadline, "the subscriber's SUBACK");

        var flooder = clients.MosquittoPub("-V", "mqttv5", "-i", "press-7", "-q", "0", "-t", "plant/line1/press-7/vibration", "-m", "x", "--repeat", Flood.ToString());
        await subscriber.WaitForLinesAsync(l => l.StartsWith("plant/line1/press-7/vibration", StringComparison.Ordinal), 150, Deadline, "the flood's burst and more");
        var other = clients.MosquittoPub("-V", "mqttv5", "-i", "oven-2", "-q", "1", "-t", "plant/line1/oven-2/alarm", "-m", "overheat");
        Assert.Equal(0, await other.WaitForExitAsync(Deadline));

        Assert.Equal(0, await flooder.WaitForExitAsync(Deadline));
        Assert.Equal(0, await subscriber.WaitForExitAsync(Deadline));
        var received = subscriber.Lines.Where(l => l.StartsWith("plant/", StringComparison.Ordinal)).ToList();
        Assert.Equal(Flood + 1, received.Count);
        var alarmAt = received.IndexOf("plant/line1/oven-2/alarm overheat");
        Assert.True(alarmAt is > 0 and < Flood, $"the alarm came {alarmAt + 1}th of {received.Count}: it should pass the slowed flood, not wait behind it");
    }
}
