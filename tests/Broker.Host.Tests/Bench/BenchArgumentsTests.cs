using System.Net;
using Broker.Host.Bench;
using Broker.Host.Commands;
using Broker.Mqtt;

namespace Broker.Host.Tests.Bench;

public sealed class BenchArgumentsTests
{
    private static BenchOptions Valid(params string[] args)
    {
        var result = BenchArguments.Parse(args);
        Assert.Empty(result.Errors);
        return Assert.IsType<BenchOptions>(result.Options);
    }

    private static IReadOnlyList<string> Invalid(params string[] args)
    {
        var result = BenchArguments.Parse(args);
        Assert.Null(result.Options);
        Assert.NotEmpty(result.Errors);
        return result.Errors;
    }

    [Fact]
    public void Pubsub_defaults_are_scenario_one()
    {
        var options = Valid("pubsub");
        Assert.Equal(BenchScenario.PubSub, options.Scenario);
        Assert.Equal(("127.0.0.1", 1883, MqttProtocolVersion.V311), (options.Host, options.Port, options.Version));
        Assert.Equal((10, 1, "bench/%i", "bench/#"), (options.Publishers, options.Subscribers, options.PublishTopic, options.SubscribeFilter));
        Assert.Equal((QualityOfService.AtMostOnce, 64, 0, 100), (options.QoS, options.Size, options.Rate, options.Inflight));
        Assert.Equal(TimeSpan.FromSeconds(10), options.Duration);
        Assert.Equal(TimeSpan.FromSeconds(10), options.Drain);
        Assert.Equal(TimeSpan.FromSeconds(1), options.Progress);
        Assert.True(options.Clean);
        Assert.False(options.CoalesceAcks);
        Assert.Empty(options.SourceAddresses);
    }

    [Fact]
    public void Every_documented_option_is_read_in_both_spellings()
    {
        var options = Valid("pubsub", "--host", "localhost", "--port=21883", "--version", "5", "--tls", "--insecure",
            "--source-ips", "127.0.0.1-127.0.0.4,127.0.1.1", "--duration", "500ms", "--client-prefix", "b2", "--conn-rate=100",
            "--keepalive", "30", "--clean", "false", "--progress", "0", "--pubs", "3", "--subs=2", "--pub-topic", "t/%i",
            "--sub-topic", "t/+", "--qos", "2", "--size", "1024", "--rate", "50", "--inflight", "10", "--drain=0", "--coalesce-acks");
        Assert.Equal(("localhost", 21883, MqttProtocolVersion.V500, true, true), (options.Host, options.Port, options.Version, options.Tls, options.Insecure));
        Assert.Equal(5, options.SourceAddresses.Count);
        Assert.Equal(IPAddress.Parse("127.0.0.4"), options.SourceAddresses[3]);
        Assert.Equal(TimeSpan.FromMilliseconds(500), options.Duration);
        Assert.Equal(("b2", 100, (ushort)30, false, TimeSpan.Zero), (options.ClientPrefix, options.ConnectRate, options.KeepAliveSeconds, options.Clean, options.Progress));
        Assert.Equal((3, 2, "t/%i", "t/+"), (options.Publishers, options.Subscribers, options.PublishTopic, options.SubscribeFilter));
        Assert.Equal((QualityOfService.ExactlyOnce, 1024, 50, 10), (options.QoS, options.Size, options.Rate, options.Inflight));
        Assert.Equal((TimeSpan.Zero, true), (options.Drain, options.CoalesceAcks));
    }

    [Fact]
    public void The_drain_is_for_scenarios_that_publish_and_coalesced_acks_for_those_that_acknowledge()
    {
        Assert.Equal(TimeSpan.FromSeconds(3), Valid("pub", "--drain", "3s").Drain);
        Assert.True(Valid("sub", "--coalesce-acks").CoalesceAcks);
        Assert.False(Valid("pubsub", "--coalesce-acks=false").CoalesceAcks);
        Assert.Contains("--drain is not an option of bench sub", Invalid("sub", "--drain", "1s"));
        Assert.Contains("--coalesce-acks is not an option of bench conn", Invalid("conn", "--coalesce-acks"));
    }

    [Fact]
    public void Subscribers_may_keep_a_durable_session_while_publishers_stay_clean()
    {
        var options = Valid("pubsub", "--version", "5", "--sub-clean", "false", "--sub-session-expiry", "3600");
        var connector = new BenchConnector(options, null!, new BenchErrors());
        var subscriber = connector.ConnectPacket("s", subscriber: true);
        var publisher = connector.ConnectPacket("p");
        Assert.Equal((false, (uint?)3600), (subscriber.CleanStart, subscriber.Properties.SessionExpiryInterval));
        Assert.Equal((true, (uint?)null), (publisher.CleanStart, publisher.Properties.SessionExpiryInterval));
        Assert.Null(Valid("pubsub").SubscriberClean);
        Assert.False(Valid("sub", "--sub-clean", "false").SubscriberClean);
        Assert.True(Valid("pubsub", "--sub-clean").SubscriberClean);
    }

    [Fact]
    public void A_session_expiry_interval_needs_version_5_and_subscriber_options_a_subscribing_scenario()
    {
        Assert.Contains(Invalid("pubsub", "--sub-session-expiry", "60"), e => e.Contains("--version 5", StringComparison.Ordinal));
        Assert.Contains(Invalid("pub", "--sub-clean", "false"), e => e.Contains("not an option of bench pub", StringComparison.Ordinal));
    }

    [Fact]
    public void Conn_pub_and_sub_take_their_count_from_c()
    {
        Assert.Equal(19_000, Valid("conn", "-c", "19000", "--conn-rate", "20000").Connections);
        Assert.Equal(4, Valid("pub", "-c", "4", "--topic", "x/%i").Publishers);
        Assert.Equal("x/%i", Valid("pub", "--topic", "x/%i").PublishTopic);
        var sub = Valid("sub", "-c", "2", "--topic", "x/#");
        Assert.Equal((2, "x/#", 0), (sub.Subscribers, sub.SubscribeFilter, sub.Publishers));
        Assert.Equal(8883, Valid("conn", "--tls").Port);
        Assert.True(Valid("sub", "--clean").Clean);
        Assert.Equal(TimeSpan.FromMinutes(2), Valid("sub", "--duration", "2m").Duration);
    }

    [Fact]
    public void More_sockets_than_the_open_file_limit_allows_are_refused_with_the_reason()
    {
        var errors = Invalid("conn", "-c", "19501");
        Assert.Contains(errors, e => e.Contains("at most 20,000 open files", StringComparison.Ordinal));
        Invalid("pubsub", "--pubs", "10000", "--subs", "9501");
        Valid("pubsub", "--pubs", "10000", "--subs", "9500");
    }

    [Theory]
    [InlineData("--qos", "3")]
    [InlineData("--size", "19")]
    [InlineData("--version", "6")]
    [InlineData("--duration", "0s")]
    [InlineData("--duration", "soon")]
    [InlineData("--port", "70000")]
    [InlineData("--rate", "-1")]
    [InlineData("--clean", "maybe")]
    [InlineData("--source-ips", "127.0.0.9-127.0.0.1")]
    [InlineData("--source-ips", "nowhere")]
    [InlineData("--inflight", "0")]
    [InlineData("--drain", "-1s")]
    [InlineData("--drain", "later")]
    public void A_bad_value_is_reported_by_option_name(string name, string value)
    {
        var errors = Invalid("pubsub", name, value);
        Assert.Contains(errors, e => e.StartsWith(name, StringComparison.Ordinal));
    }

    [Fact]
    public void Options_of_another_scenario_unknown_options_and_missing_values_are_all_reported()
    {
        var errors = Invalid("conn", "--pubs", "3", "--frobnicate", "--host");
        Assert.Contains("--pubs is not an option of bench conn", errors);
        Assert.Contains("unknown option '--frobnicate'", errors);
        Assert.Contains("--host needs a value", errors);
        Assert.Contains("--insecure only applies with --tls", Invalid("pub", "--insecure"));
        Assert.Contains("--qos is given more than once", Invalid("sub", "--qos", "1", "--qos", "2"));
    }

    [Fact]
    public void A_missing_or_unknown_scenario_is_an_error()
    {
        Assert.Contains("unknown scenario", Invalid("flood")[0], StringComparison.Ordinal);
        Assert.Contains("a scenario is required", Invalid()[0], StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_command_prints_the_errors_and_exits_2_and_broker_help_lists_bench()
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        Assert.Equal(ExitCodes.InvalidConfiguration, await BrokerCommands.RunAsync(["bench", "pub", "--qos", "7"], output, error));
        Assert.Contains("broker bench: invalid arguments (1):", error.ToString(), StringComparison.Ordinal);
        Assert.Equal(ExitCodes.Success, await BrokerCommands.RunAsync(["help"], output, error));
        Assert.Contains("bench    Load-test", output.ToString(), StringComparison.Ordinal);
        Assert.Equal(ExitCodes.Success, await BrokerCommands.RunAsync(["bench", "help"], output, error));
        Assert.Contains("Usage: broker bench conn|pub|sub|pubsub", output.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unreachable_broker_exits_4_with_a_clear_message()
    {
        using var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop(); // Nothing listens on this port now: connection refused.
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exit = await BrokerCommands.RunAsync(["bench", "pub", "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--progress", "0"], output, error);
        Assert.Equal(ExitCodes.BrokerUnreachable, exit);
        Assert.Contains($"cannot reach the broker at 127.0.0.1:{port}", error.ToString(), StringComparison.Ordinal);
        Assert.Equal("", output.ToString());
    }
}
