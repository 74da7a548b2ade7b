using System.Globalization;
using System.Net;
using Broker.Host.Bench;

namespace Broker.Host.Tests.Bench;

/// <summary>The generator against the null broker, in process on a port chosen by the system.</summary>
public sealed class NullBrokerTests : IAsyncLifetime
{
    private NullBroker _broker = null!;

    public Task InitializeAsync()
    {
        _broker = NullBroker.Start(new IPEndPoint(IPAddress.Loopback, 0));
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _broker.DisposeAsync();

    [Fact]
    public async Task Paced_pairs_get_every_message_of_their_own_publisher_once_in_order()
    {
        var summary = await Run("pubsub", "--pubs", "20", "--subs", "20", "--pub-topic", "bench/%i", "--sub-topic", "bench/%i", "--rate", "50", "--duration", "1s");
        Assert.Empty(summary.Errors);
        // Never more than the schedule allows: 50 a second each, the first at the start, none at the deadline.
        Assert.InRange(summary.Sent, 1, 20 * 50);
        Assert.Equal((summary.Sent, summary.Sent, 0L, 0L, 0L), (summary.Expected, summary.Received, summary.Lost, summary.Duplicates, summary.OutOfOrder));
        Assert.Equal(summary.Received, _broker.Forwarded);
    }

    [Theory]
    [InlineData("0", "4")]
    [InlineData("1", "5")]
    [InlineData("2", "4")]
    public async Task Fan_in_at_any_QoS_is_acknowledged_and_forwarded_at_QoS_0(string qos, string version)
    {
        var summary = await Run("pubsub", "--pubs", "3", "--subs", "1", "--qos", qos, "--version", version, "--rate", "200", "--duration", "1s");
        Assert.Empty(summary.Errors);
        Assert.True(summary.Sent > 0);
        Assert.Equal(qos == "0" ? 0 : summary.Sent, summary.Acked);
        Assert.Equal((summary.Sent, 0L, 0L), (summary.Received, summary.Lost, summary.Duplicates));
    }

    private async Task<BenchSummary> Run(params string[] args)
    {
        var port = _broker.EndPoint.Port.ToString(CultureInfo.InvariantCulture);
        var parsed = BenchArguments.Parse([.. args, "--port", port, "--progress", "0"]);
        Assert.Empty(parsed.Errors);
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var outcome = await BenchRun.RunAsync(parsed.Options!, TextWriter.Null, limit.Token);
        Assert.Null(outcome.Unreachable);
        return outcome.Summary!;
    }
}
