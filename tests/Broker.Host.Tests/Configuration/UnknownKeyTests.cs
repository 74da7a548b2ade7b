namespace Broker.Host.Tests.Configuration;

/// <summary>A misspelt key must fail the start, not be silently ignored.</summary>
public sealed class UnknownKeyTests : IDisposable
{
    private readonly ConfigFiles _files = new();

    public void Dispose() => _files.Dispose();

    [Fact]
    public void A_typo_under_a_known_section_is_an_error_with_a_suggestion() =>
        Assert.Equal(
            "mqtt.max_pakcet_size: unknown key; did you mean max_packet_size? (from test.conf:3:21)",
            _files.SingleError(_files.Load("mqtt {\n  max_inflight = 10\n  max_pakcet_size = 2MB\n}")));

    [Fact]
    public void A_typo_in_a_nested_section_is_an_error() =>
        Assert.Equal(
            "listeners.tcp.prot: unknown key; did you mean port? (from test.conf:1:22)",
            _files.SingleError(_files.Load("listeners.tcp.prot = 1884")));

    [Fact]
    public void An_unknown_key_far_from_any_known_one_lists_the_known_keys() =>
        Assert.Equal(
            "node.cookie: unknown key (known in node: data_dir, name) (from test.conf:1:15)",
            _files.SingleError(_files.Load("node.cookie = secret")));

    [Fact]
    public void An_unknown_top_level_section_is_an_error()
    {
        Assert.Equal("mqt: unknown key; did you mean mqtt? (from test.conf:1:5)", _files.SingleError(_files.Load("mqt { max_inflight = 1 }")));
        Assert.StartsWith("bridges: unknown key (known at the top level: api_key, authentication, authorization, banned, cluster, dashboard, flapping_detect, listeners, log, management, mqtt, node, overload_protection, persistence, prometheus)", _files.SingleError(_files.Load("bridges.kafka = []")), StringComparison.Ordinal);
    }

    [Fact]
    public void An_unknown_listener_is_an_error() =>
        Assert.StartsWith("listeners.quic: unknown key", _files.SingleError(_files.Load("listeners.quic.port = 14567")), StringComparison.Ordinal);

    [Fact]
    public void A_typo_on_the_command_line_is_an_error() =>
        Assert.Equal(
            "mqtt.max_inflght: unknown key; did you mean max_inflight? (from command-line argument --mqtt.max_inflght)",
            _files.SingleError(_files.Load("", null, "--mqtt.max_inflght=5")));

    [Fact]
    public void A_typo_in_an_environment_variable_under_a_known_section_is_an_error() =>
        Assert.Equal(
            "mqtt.max_inflght: unknown key; did you mean max_inflight? (from environment variable BROKER_MQTT__MAX_INFLGHT)",
            _files.SingleError(_files.Load("", new Dictionary<string, string> { ["BROKER_MQTT__MAX_INFLGHT"] = "5" })));

    [Fact]
    public void Keys_match_case_insensitively() =>
        Assert.Equal(7, _files.Load("MQTT.Max_Inflight = 7").Options.Mqtt.MaxInflight);
}
