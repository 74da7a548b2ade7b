using Broker.Host.Configuration;
using Broker.Host.Options;

namespace Broker.Host.Tests.Configuration;

/// <summary>Values arrive as text from every layer and bind the same way from each.</summary>
public sealed class BindingTests : IDisposable
{
    private readonly ConfigFiles _files = new();

    public void Dispose() => _files.Dispose();

    private BrokerOptions Valid(BrokerConfigurationResult result)
    {
        Assert.True(result.IsValid, string.Join("\n", result.Errors));
        return result.Options;
    }

    [Fact]
    public void Durations_bind_from_the_file() =>
        Assert.Equal(Duration.FromMinutes(1), Valid(_files.Load("mqtt.retry_interval = 1m")).Mqtt.RetryInterval);

    [Fact]
    public void Durations_bind_from_the_environment() =>
        Assert.Equal(Duration.FromSeconds(45), Valid(_files.Load("", new Dictionary<string, string> { ["BROKER_MQTT__RETRY_INTERVAL"] = "45s" })).Mqtt.RetryInterval);

    [Fact]
    public void Durations_bind_from_the_command_line()
    {
        Assert.Equal(Duration.FromMinutes(2), Valid(_files.Load("", null, "--mqtt.retry_interval=2m")).Mqtt.RetryInterval);
        Assert.Equal(Duration.FromMilliseconds(1500), Valid(_files.Load("", null, "--mqtt.idle_timeout", "1500ms")).Mqtt.IdleTimeout);
    }

    [Fact]
    public void Durations_accept_plain_milliseconds_long_names_and_chains()
    {
        var options = Valid(_files.Load("mqtt { retry_interval = 250, await_rel_timeout = 10 seconds, session_expiry_interval = 1h30m }"));
        Assert.Equal(Duration.FromMilliseconds(250), options.Mqtt.RetryInterval);
        Assert.Equal(Duration.FromSeconds(10), options.Mqtt.AwaitRelTimeout);
        Assert.Equal(Duration.FromMinutes(90), options.Mqtt.SessionExpiryInterval);
    }

    [Fact]
    public void Sizes_bind_from_the_file_environment_and_command_line()
    {
        Assert.Equal(ByteSize.FromKilobytes(256), Valid(_files.Load("mqtt.max_packet_size = 256KB")).Mqtt.MaxPacketSize);
        Assert.Equal(ByteSize.FromMegabytes(10), Valid(_files.Load("", new Dictionary<string, string> { ["BROKER_MQTT__MAX_PACKET_SIZE"] = "10MiB" })).Mqtt.MaxPacketSize);
        Assert.Equal(ByteSize.FromMegabytes(2), Valid(_files.Load("", null, "--mqtt.max_packet_size=2MB")).Mqtt.MaxPacketSize);
        Assert.Equal(new ByteSize(4096), Valid(_files.Load("mqtt.max_packet_size = 4096")).Mqtt.MaxPacketSize);
    }

    [Fact]
    public void Booleans_accept_hocon_spellings_in_any_case()
    {
        var environment = new Dictionary<string, string> { ["BROKER_MQTT__RETAIN_AVAILABLE"] = "no", ["BROKER_MQTT__STRICT_MODE"] = "ON" };
        var options = Valid(_files.Load("mqtt.ignore_loop_deliver = yes", environment, "--mqtt.shared_subscription=FALSE"));
        Assert.False(options.Mqtt.RetainAvailable);
        Assert.True(options.Mqtt.StrictMode);
        Assert.True(options.Mqtt.IgnoreLoopDeliver);
        Assert.False(options.Mqtt.SharedSubscription);
    }

    [Fact]
    public void Enums_bind_from_snake_case_names_in_any_case()
    {
        var cert = _files.Write("c.pem", "x");
        var options = Valid(_files.Load(
            $"listeners.ssl {{ enabled = true, certfile = \"{cert}\", keyfile = \"{cert}\", verify = verify_peer }}\nlog.level = WARNING"));
        Assert.Equal(PeerVerification.VerifyPeer, options.Listeners.Ssl.Verify);
        Assert.Equal(LogLevelName.Warning, options.Log.Level);
    }

    [Fact]
    public void Numbers_bind_from_strings_and_hocon_numbers()
    {
        var options = Valid(_files.Load("mqtt { max_inflight = \"64\", keepalive_multiplier = 2.5 }", new Dictionary<string, string> { ["BROKER_MQTT__MAX_TOPIC_LEVELS"] = " 16 " }));
        Assert.Equal(64, options.Mqtt.MaxInflight);
        Assert.Equal(2.5, options.Mqtt.KeepaliveMultiplier);
        Assert.Equal(16, options.Mqtt.MaxTopicLevels);
    }

    [Fact]
    public void Hocon_null_keeps_the_default() =>
        Assert.Equal(32, Valid(_files.Load("mqtt.max_inflight = null")).Mqtt.MaxInflight);

    [Fact]
    public void A_non_number_gives_a_clear_message_naming_the_key()
    {
        Assert.Equal(
            "mqtt.max_inflight: expected an integer, got \"many\" (from test.conf:1:21)",
            _files.SingleError(_files.Load("mqtt.max_inflight = many")));
        Assert.Equal(
            "listeners.tcp.port: expected an integer, got \"18x3\" (from environment variable BROKER_LISTENERS__TCP__PORT)",
            _files.SingleError(_files.Load("", new Dictionary<string, string> { ["BROKER_LISTENERS__TCP__PORT"] = "18x3" })));
        Assert.Equal(
            "mqtt.keepalive_multiplier: expected a number (or a percentage like 70%), got \"high\" (from command-line argument --mqtt.keepalive_multiplier)",
            _files.SingleError(_files.Load("", null, "--mqtt.keepalive_multiplier=high")));
    }

    [Fact]
    public void An_integer_out_of_range_for_its_type_says_so() =>
        Assert.StartsWith(
            "listeners.tcp.max_connections: expected an integer between -2147483648 and 2147483647, got \"99999999999\"",
            _files.SingleError(_files.Load("listeners.tcp.max_connections = 99999999999")), StringComparison.Ordinal);

    [Fact]
    public void Bad_durations_sizes_booleans_and_enums_name_the_key_and_the_expected_form()
    {
        Assert.StartsWith("mqtt.retry_interval: expected a duration like 30s, 5m or 100ms, got \"soon\"",
            _files.SingleError(_files.Load("mqtt.retry_interval = soon")), StringComparison.Ordinal);
        Assert.StartsWith("mqtt.max_packet_size: expected a size like 256KB or 1MB, got \"lots\"",
            _files.SingleError(_files.Load("mqtt.max_packet_size = lots")), StringComparison.Ordinal);
        Assert.StartsWith("mqtt.retain_available: expected true or false, got \"maybe\"",
            _files.SingleError(_files.Load("mqtt.retain_available = maybe")), StringComparison.Ordinal);
        Assert.StartsWith("listeners.ssl.verify: expected one of verify_none, verify_peer, got \"verify_all\"",
            _files.SingleError(_files.Load("listeners.ssl.verify = verify_all")), StringComparison.Ordinal);
    }

    [Fact]
    public void An_unknown_log_level_lists_the_levels() =>
        Assert.Equal(
            "log.level: expected one of trace, debug, info, warning, error, critical, none, got \"verbose\" (from test.conf:1:13)",
            _files.SingleError(_files.Load("log.level = verbose")));

    [Fact]
    public void A_value_where_a_section_belongs_and_the_reverse_are_errors()
    {
        Assert.StartsWith("mqtt: expected a section with keys such as",
            _files.SingleError(_files.Load("mqtt = 5")), StringComparison.Ordinal);
        Assert.StartsWith("mqtt.max_inflight: expected a value, got a section (with a)",
            _files.SingleError(_files.Load("mqtt.max_inflight { a = 1 }")), StringComparison.Ordinal);
        Assert.StartsWith("mqtt.max_inflight: expected a value, got a section (with 0, 1)",
            _files.SingleError(_files.Load("mqtt.max_inflight = [1, 2]")), StringComparison.Ordinal);
    }

    [Fact]
    public void Every_bad_value_is_reported_together()
    {
        var result = _files.Load("mqtt { max_inflight = x, retry_interval = y }", new Dictionary<string, string> { ["BROKER_LOG__LEVEL"] = "z" }, "--listeners.tcp.port=w");
        Assert.Equal(4, result.Errors.Count);
        Assert.Equal(32, result.Options.Mqtt.MaxInflight);
    }
}
