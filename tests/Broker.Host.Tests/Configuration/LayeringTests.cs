using Broker.Host.Configuration;

namespace Broker.Host.Tests.Configuration;

public sealed class LayeringTests : IDisposable
{
    private readonly ConfigFiles _files = new();

    public void Dispose() => _files.Dispose();

    private const string Conf = "listeners.tcp.port = 1884";

    [Fact]
    public void The_file_overrides_code_defaults()
    {
        var result = _files.Load(Conf);
        Assert.True(result.IsValid, string.Join("\n", result.Errors));
        Assert.Equal(1884, result.Options.Listeners.Tcp.Port);
        Assert.Equal(8083, result.Options.Listeners.Ws.Port);
    }

    [Fact]
    public void Environment_overrides_the_file()
    {
        var result = _files.Load(Conf, new Dictionary<string, string> { ["BROKER_LISTENERS__TCP__PORT"] = "1885" });
        Assert.Equal(1885, result.Options.Listeners.Tcp.Port);
    }

    [Fact]
    public void Command_line_overrides_environment_and_file()
    {
        var environment = new Dictionary<string, string> { ["BROKER_LISTENERS__TCP__PORT"] = "1885" };
        Assert.Equal(1886, _files.Load(Conf, environment, "--listeners.tcp.port=1886").Options.Listeners.Tcp.Port);
        Assert.Equal(1887, _files.Load(Conf, environment, "--listeners.tcp.port", "1887").Options.Listeners.Tcp.Port);
    }

    [Fact]
    public void The_last_command_line_occurrence_wins() =>
        Assert.Equal(64, _files.Load("", null, "--mqtt.max_inflight=1", "--mqtt.max_inflight=64").Options.Mqtt.MaxInflight);

    [Theory]
    [InlineData("BROKER_LISTENERS__TCP__PORT")]
    [InlineData("broker_listeners__tcp__port")]
    [InlineData("BROKER_Listeners__Tcp__Port")]
    public void Environment_keys_are_case_insensitive(string name) =>
        Assert.Equal(1890, _files.Load(Conf, new Dictionary<string, string> { [name] = "1890" }).Options.Listeners.Tcp.Port);

    [Fact]
    public void Command_line_keys_are_case_insensitive() =>
        Assert.Equal(1891, _files.Load(Conf, null, "--Listeners.TCP.Port=1891").Options.Listeners.Tcp.Port);

    [Fact]
    public void Variables_without_the_prefix_or_outside_known_sections_are_not_configuration()
    {
        var environment = new Dictionary<string, string>
        {
            ["LISTENERS__TCP__PORT"] = "1",
            ["MQTT__MAX_INFLIGHT"] = "1",
            ["BROKER_NODE_NAME"] = "used by a substitution",
            ["BROKER_HOME"] = "/opt/broker",
            ["BROKER_BRIDGES__KAFKA"] = "not a section of this version",
        };
        var result = _files.Load(Conf, environment);
        Assert.True(result.IsValid, string.Join("\n", result.Errors));
        Assert.Equal(1884, result.Options.Listeners.Tcp.Port);
        Assert.Equal(32, result.Options.Mqtt.MaxInflight);
    }

    [Fact]
    public void Hocon_substitutions_read_the_injected_environment()
    {
        var conf = "node.name = \"broker@127.0.0.1\"\nnode.name = ${?BROKER_NODE_NAME}\nmqtt.max_inflight = ${?INFLIGHT}";
        Assert.Equal("broker@127.0.0.1", _files.Load(conf).Options.Node.Name);
        var result = _files.Load(conf, new Dictionary<string, string> { ["BROKER_NODE_NAME"] = "n1@10.0.0.1", ["INFLIGHT"] = "48" });
        Assert.True(result.IsValid, string.Join("\n", result.Errors));
        Assert.Equal("n1@10.0.0.1", result.Options.Node.Name);
        Assert.Equal(48, result.Options.Mqtt.MaxInflight);
    }

    [Theory]
    [InlineData("--config")]
    [InlineData("-c")]
    public void The_config_file_can_be_given_on_the_command_line(string option)
    {
        var other = _files.Write("other.conf", "mqtt.max_inflight = 99");
        var result = BrokerConfiguration.Load([option, other], _files.Write("ignored.conf", "mqtt.max_inflight = 1"), new Dictionary<string, string>());
        Assert.Equal(99, result.Options.Mqtt.MaxInflight);
        Assert.Equal(other, result.ConfigFile);
        Assert.Equal(99, BrokerConfiguration.Load([$"{option}={other}"], null, new Dictionary<string, string>()).Options.Mqtt.MaxInflight);
    }

    [Fact]
    public void A_missing_explicit_config_file_is_an_error()
    {
        var missing = Path.Combine(_files.Root, "nope.conf");
        var result = BrokerConfiguration.Load(["--config", missing], null, new Dictionary<string, string>());
        Assert.Contains(result.Errors, e => e.EndsWith("nope.conf: file not found", StringComparison.Ordinal));
    }

    [Fact]
    public void Without_the_default_file_code_defaults_apply()
    {
        var result = BrokerConfiguration.Load(["--mqtt.max_inflight=5"], null, new Dictionary<string, string>(), Path.Combine(_files.Root, "absent.conf"));
        Assert.True(result.IsValid, string.Join("\n", result.Errors));
        Assert.Null(result.ConfigFile);
        Assert.Equal(5, result.Options.Mqtt.MaxInflight);
        Assert.Equal(1883, result.Options.Listeners.Tcp.Port);
    }

    [Fact]
    public void The_default_file_is_hocon_broker_conf_next_to_the_executable()
    {
        Assert.Equal(Path.Combine(AppContext.BaseDirectory, "hocon", "broker.conf"), BrokerConfiguration.DefaultConfigPath);
        var result = BrokerConfiguration.Load([], null, new Dictionary<string, string>());
        Assert.Equal(BrokerConfiguration.DefaultConfigPath, result.ConfigFile);
        Assert.True(result.IsValid, string.Join("\n", result.Errors));
    }

    [Fact]
    public void The_configuration_exposes_flattened_keys_from_every_layer()
    {
        var result = _files.Load("mqtt { max_inflight = 10 }", new Dictionary<string, string> { ["BROKER_MQTT__MAX_MQUEUE_LEN"] = "20" }, "--mqtt.max_awaiting_rel=30");
        Assert.Equal("10", result.Configuration["mqtt:max_inflight"]);
        Assert.Equal("20", result.Configuration["mqtt:max_mqueue_len"]);
        Assert.Equal("30", result.Configuration["mqtt:max_awaiting_rel"]);
    }

    [Fact]
    public void A_syntax_error_in_the_file_is_reported_with_file_and_line_alongside_other_errors()
    {
        var result = _files.Load("mqtt {\n  max_inflight = [1,\n", null, "--mqtt.max_qos_allowed=9");
        Assert.Equal(2, result.Errors.Count);
        Assert.Contains(result.Errors, e => e.Contains("test.conf:3:1: mqtt.max_inflight: expected ']'", StringComparison.Ordinal));
        Assert.Contains(result.Errors, e => e.StartsWith("mqtt.max_qos_allowed: must be between 0 and 2, got 9", StringComparison.Ordinal));
    }

    [Fact]
    public void Errors_say_which_layer_set_the_bad_value()
    {
        Assert.Equal(
            "mqtt.max_inflight: must be between 1 and 65535, got 0 (from test.conf:2:18)",
            _files.SingleError(_files.Load("mqtt {\n  max_inflight = 0\n}")));
        Assert.Equal(
            "mqtt.max_inflight: must be between 1 and 65535, got 0 (from environment variable BROKER_MQTT__MAX_INFLIGHT)",
            _files.SingleError(_files.Load("", new Dictionary<string, string> { ["BROKER_MQTT__MAX_INFLIGHT"] = "0" })));
        Assert.Equal(
            "mqtt.max_inflight: must be between 1 and 65535, got 0 (from command-line argument --mqtt.max_inflight)",
            _files.SingleError(_files.Load("", null, "--mqtt.max_inflight=0")));
    }
}
