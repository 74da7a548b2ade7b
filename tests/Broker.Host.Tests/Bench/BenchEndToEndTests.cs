using System.Globalization;
using Broker.Host.Bench;
using Broker.Host.Listeners;
using Broker.Host.Options;
using Broker.Host.Tests.EndToEnd.Support;
using Broker.Mqtt;
using Microsoft.Extensions.Logging.Abstractions;

namespace Broker.Host.Tests.Bench;

/// <summary>Short bench runs against this broker, in process on a port chosen by the system.</summary>
public sealed class BenchEndToEndTests : IAsyncLifetime
{
    private BrokerRuntime _runtime = null!;
    private BrokerServer _server = null!;

    public async Task InitializeAsync()
    {
        var options = LoopbackOptions.TcpOnly();
        _runtime = BrokerRuntime.Create(options, NullLoggerFactory.Instance);
        _server = new BrokerServer(options.Listeners, _runtime.Handler, NullLoggerFactory.Instance);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await _server.StartAsync(timeout.Token);
        _runtime.StopOnShutdown(_server);
    }

    public async Task DisposeAsync()
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await _runtime.StopAsync(deadline.Token);
    }

    [Theory]
    [InlineData(0, "4")]
    [InlineData(1, "5")]
    [InlineData(2, "4")]
    public async Task Pubsub_at_a_rate_delivers_everything_once_in_order(int qos, string version)
    {
        var summary = await Run("pubsub", "--pubs", "3", "--subs", "2", "--qos", qos.ToString(CultureInfo.InvariantCulture),
            "--version", version, "--rate", "500", "--duration", "2s", "--inflight", "10");
        Assert.Empty(summary.Errors);
        // How many were sent depends on the machine (QoS 2 waits for round trips); never more than the rate allows. Two
        // seconds, so that a loaded machine's pool, slow to start the publishers, still leaves them time to send.
        Assert.InRange(summary.Sent, 1, 3 * 1200);
        Assert.Equal(2 * summary.Sent, summary.Expected);
        Assert.Equal(summary.Expected, summary.Received);
        // The rate counts what arrived within the window only; the last messages may arrive during the drain.
        Assert.InRange(summary.ReceivedInWindow, 1, summary.Received);
        Assert.Equal(summary.ReceivedInWindow / summary.DurationSeconds, summary.ReceivedPerSecond);
        Assert.Equal(0, summary.Lost);
        Assert.Equal(0, summary.Duplicates);
        Assert.Equal(0, summary.OutOfOrder);
        Assert.Equal(qos == 0 ? 0 : summary.Sent, summary.Acked);
        Assert.Equal(qos == 2 ? summary.Sent : 0, summary.Completed);
        Assert.Equal(summary.Received, summary.Delivered);
        Assert.InRange(summary.DeliveredInWindow, 1, summary.Delivered);
        Assert.Equal(qos == 0 ? 0 : 2 * summary.Acked, summary.AckedDeliveries);
        Assert.Equal(0, summary.AckedLost);
        Assert.Equal(qos == 0 ? 0 : 10, summary.Inflight);
        Assert.Equal(5, summary.Connections);
        Assert.InRange(summary.P50, 0, summary.Max);
        Assert.True(summary.CpuSeconds > 0);
    }

    [Fact]
    public async Task A_5_0_publisher_keeps_no_more_in_flight_than_the_brokers_Receive_Maximum()
    {
        // The broker's Receive Maximum is its mqtt.max_inflight, 32 by default.
        var summary = await Run("pubsub", "--pubs", "1", "--subs", "1", "--qos", "1", "--version", "5", "--inflight", "64",
            "--rate", "0", "--duration", "500ms", "--drain", "5s");
        Assert.Equal(new BrokerOptions().Mqtt.MaxInflight, summary.Inflight);
        Assert.DoesNotContain(summary.Errors, e => e.Contains("publisher", StringComparison.Ordinal));
        Assert.True(summary.Acked > 0);
        Assert.InRange(summary.DrainSeconds, 0, 5.5);
        var v311 = await Run("pubsub", "--pubs", "1", "--subs", "1", "--qos", "1", "--inflight", "64", "--rate", "100", "--duration", "200ms");
        Assert.Equal(64, v311.Inflight);
    }

    [Fact]
    public async Task Pairs_of_percent_i_topics_each_get_their_own_publisher()
    {
        var summary = await Run("pubsub", "--pubs", "2", "--subs", "2", "--sub-topic", "bench/%i", "--qos", "1", "--rate", "200", "--duration", "1s");
        Assert.Equal(summary.Sent, summary.Expected);
        Assert.Equal(summary.Sent, summary.Received);
        Assert.Equal(0, summary.Lost);
    }

    [Fact]
    public async Task Conn_opens_the_connections_and_counts_them()
    {
        var summary = await Run("conn", "-c", "50", "--conn-rate", "0", "--duration", "1s");
        Assert.Equal((50, 0), (summary.Connections, summary.ConnectFailures));
        Assert.True(summary.ConnectionsPerSecond > 0);
        Assert.Empty(summary.Errors);
    }

    private async Task<BenchSummary> Run(params string[] args)
    {
        var port = _server.EndPoint("tcp").Port.ToString(CultureInfo.InvariantCulture);
        var parsed = BenchArguments.Parse([.. args, "--port", port, "--progress", "0"]);
        Assert.Empty(parsed.Errors);
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var outcome = await BenchRun.RunAsync(parsed.Options!, TextWriter.Null, limit.Token);
        Assert.Null(outcome.Unreachable);
        return outcome.Summary!;
    }
}
