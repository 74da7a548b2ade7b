using Broker.Host.Commands;
using Broker.Host.Tests.Configuration;

namespace Broker.Host.Tests.Commands;

/// <summary>The commands in process, with their output captured and an empty environment.</summary>
public sealed class BrokerCommandsTests : IDisposable
{
    private readonly ConfigFiles _files = new();
    private readonly StringWriter _output = new();
    private readonly StringWriter _error = new();

    public void Dispose()
    {
        _files.Dispose();
        _output.Dispose();
        _error.Dispose();
    }

    private Task<int> Run(params string[] args) =>
        BrokerCommands.RunAsync(args, _output, _error, new Dictionary<string, string>(), new CancellationToken(canceled: true));

    [Fact]
    public async Task Config_prints_sorted_effective_settings_including_overrides()
    {
        var conf = _files.Write("c.conf", "mqtt.max_inflight = 3\nmqtt.retry_interval = 90s");
        var exit = await BrokerCommands.RunAsync(
            ["config", "-c", conf, "--mqtt.max_inflight=7"], _output, _error,
            new Dictionary<string, string> { ["BROKER_LOG__LEVEL"] = "debug" });
        Assert.Equal(ExitCodes.Success, exit);
        var lines = _output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.StartsWith("# configuration file: ", lines[0], StringComparison.Ordinal);
        Assert.Contains("mqtt.max_inflight = 7", lines);
        Assert.Contains("mqtt.retry_interval = 90s", lines);
        Assert.Contains("log.level = debug", lines);
        Assert.Equal(lines.Skip(1).Order(StringComparer.Ordinal), lines.Skip(1));
        Assert.Equal("", _error.ToString());
    }

    [Fact]
    public async Task Config_with_errors_prints_them_and_exits_2()
    {
        Assert.Equal(ExitCodes.InvalidConfiguration, await Run("config", "--mqtt.max_qos_allowed=5", "--mqtt.max_pakcet_size=1"));
        var error = _error.ToString();
        Assert.Contains("broker: invalid configuration (2 errors):", error, StringComparison.Ordinal);
        Assert.Contains("  mqtt.max_qos_allowed: must be between 0 and 2, got 5", error, StringComparison.Ordinal);
        Assert.Contains("  mqtt.max_pakcet_size: unknown key; did you mean max_packet_size?", error, StringComparison.Ordinal);
        Assert.Contains("mqtt.max_qos_allowed = 5", _output.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_with_an_invalid_configuration_exits_2_before_starting()
    {
        Assert.Equal(ExitCodes.InvalidConfiguration, await Run("--listeners.tcp.port=0"));
        Assert.Contains("listeners.tcp.port: must be between 1 and 65535, got 0", _error.ToString(), StringComparison.Ordinal);
        Assert.Equal(ExitCodes.InvalidConfiguration, await Run("run", "--log.level=loud"));
    }

    [Fact]
    public async Task Run_with_dns_discovery_and_no_name_exits_2_naming_the_key()
    {
        Assert.Equal(ExitCodes.InvalidConfiguration, await Run("run", "--cluster.discovery_strategy=dns"));
        Assert.Contains("cluster.dns.name: must name the DNS name to look up", _error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_with_a_valid_configuration_builds_the_host_and_exits_0_when_cancelled() =>
        Assert.Equal(ExitCodes.Success, await Run("run", "--log.level=none", "--management.http.port=0", "--dashboard.listeners.http.bind=127.0.0.1:0"));

    [Theory]
    [InlineData("help")]
    [InlineData("--help")]
    [InlineData("config", "-h")]
    public async Task Help_prints_usage(params string[] args)
    {
        Assert.Equal(ExitCodes.Success, await Run(args));
        Assert.Contains("Usage: broker [run|config|help]", _output.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_command_exits_2()
    {
        Assert.Equal(ExitCodes.InvalidConfiguration, await Run("serve"));
        Assert.StartsWith("broker: unknown command 'serve'", _error.ToString(), StringComparison.Ordinal);
    }
}
