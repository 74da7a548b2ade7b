using Broker.Host.Configuration;
using Broker.Host.Options;

namespace Broker.Host.Tests.Configuration;

public sealed class ValidationTests : IDisposable
{
    private readonly ConfigFiles _files = new();

    public void Dispose() => _files.Dispose();

    private static string Error(Action<BrokerOptions> change) => OptionsErrors.Single(change);

    private static void Valid(Action<BrokerOptions> change)
    {
        var options = new BrokerOptions();
        change(options);
        Assert.Empty(BrokerOptionsValidator.Validate(options));
    }

    [Fact]
    public void Code_defaults_are_valid() => Valid(_ => { });

    [Fact]
    public void Max_packet_size_is_between_1B_and_the_mqtt_limit()
    {
        Assert.Equal("mqtt.max_packet_size: must be between 1B and 256MB (268435455 bytes), got 0B", Error(o => o.Mqtt.MaxPacketSize = new ByteSize(0)));
        Assert.Equal("mqtt.max_packet_size: must be between 1B and 256MB (268435455 bytes), got 256MB", Error(o => o.Mqtt.MaxPacketSize = ByteSize.FromMegabytes(256)));
        Valid(o => o.Mqtt.MaxPacketSize = new ByteSize(268_435_455));
        Valid(o => o.Mqtt.MaxPacketSize = new ByteSize(1));
    }

    [Fact]
    public void Max_packet_size_message_from_the_command_line() =>
        Assert.Equal(
            "mqtt.max_packet_size: must be between 1B and 256MB (268435455 bytes), got 0B (from command-line argument --mqtt.max_packet_size)",
            _files.SingleError(_files.Load("", null, "--mqtt.max_packet_size=0")));

    [Theory]
    [InlineData("tcp", 0)]
    [InlineData("tcp", 65536)]
    [InlineData("ssl", -1)]
    [InlineData("ws", 70000)]
    [InlineData("wss", 0)]
    public void Ports_are_between_1_and_65535(string listener, int port) =>
        Assert.Equal(
            $"listeners.{listener}.port: must be between 1 and 65535, got {port}",
            Error(o => o.Listeners.All().Single(l => l.Name == listener).Listener.Port = port));

    [Fact]
    public void Max_connections_is_positive() =>
        Assert.Equal("listeners.ws.max_connections: must be between 1 and 2147483647, got 0", Error(o => o.Listeners.Ws.MaxConnections = 0));

    [Fact]
    public void Bind_is_an_ip_address()
    {
        Assert.Equal("listeners.tcp.bind: must be an IP address such as 0.0.0.0 or ::, got \"localhost\"", Error(o => o.Listeners.Tcp.Bind = "localhost"));
        Valid(o => o.Listeners.Tcp.Bind = "::");
        Valid(o => o.Listeners.Tcp.Bind = "127.0.0.1");
    }

    [Fact]
    public void Websocket_paths_start_with_a_slash()
    {
        Assert.Equal("listeners.ws.path: must start with '/', got \"mqtt\"", Error(o => o.Listeners.Ws.Path = "mqtt"));
        Assert.Equal("listeners.wss.path: must start with '/', got \"\"", Error(o => o.Listeners.Wss.Path = ""));
    }

    [Fact]
    public void Two_enabled_listeners_cannot_share_a_port()
    {
        Assert.Equal("listeners.ws.port: port 1883 is already used by listeners.tcp", Error(o => o.Listeners.Ws.Port = 1883));
        Valid(o => o.Listeners.Ssl.Port = 1883);
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(3)]
    public void Max_qos_allowed_is_0_to_2(int qos) =>
        Assert.Equal($"mqtt.max_qos_allowed: must be between 0 and 2, got {qos}", Error(o => o.Mqtt.MaxQosAllowed = qos));

    [Fact]
    public void Integer_limits_have_ranges()
    {
        Assert.Equal("mqtt.max_clientid_len: must be between 23 and 65535, got 22", Error(o => o.Mqtt.MaxClientIdLen = 22));
        Assert.Equal("mqtt.max_topic_levels: must be between 1 and 65535, got 0", Error(o => o.Mqtt.MaxTopicLevels = 0));
        Assert.Equal("mqtt.max_topic_alias: must be between 0 and 65535, got 65536", Error(o => o.Mqtt.MaxTopicAlias = 65536));
        Assert.Equal("mqtt.max_inflight: must be between 1 and 65535, got 0", Error(o => o.Mqtt.MaxInflight = 0));
        Assert.Equal("mqtt.max_mqueue_len: must be between 0 and 2147483647, got -1", Error(o => o.Mqtt.MaxMqueueLen = -1));
        Assert.Equal("mqtt.receive_maximum: must be between 1 and 65535, got 0", Error(o => o.Mqtt.ReceiveMaximum = 0));
        Assert.Equal("mqtt.receive_maximum: must be between 1 and 65535, got 65536", Error(o => o.Mqtt.ReceiveMaximum = 65536));
        Assert.Equal("mqtt.max_awaiting_rel: must be between 1 and 65535, got 0", Error(o => o.Mqtt.MaxAwaitingRel = 0));
        Assert.Equal("mqtt.server_keepalive: must be between 0 and 65535, got 65536", Error(o => o.Mqtt.ServerKeepalive = 65536));
        Valid(o => o.Mqtt.MaxTopicAlias = 0);
        Valid(o => o.Mqtt.MaxQosAllowed = 0);
    }

    [Fact]
    public void Max_awaiting_rel_is_at_least_the_receive_maximum_so_that_a_5_0_client_keeping_to_it_is_not_disconnected()
    {
        Assert.Equal("mqtt.max_awaiting_rel: must be at least mqtt.receive_maximum (64), got 63",
            Error(o => (o.Mqtt.ReceiveMaximum, o.Mqtt.MaxAwaitingRel) = (64, 63)));
        Valid(o => (o.Mqtt.ReceiveMaximum, o.Mqtt.MaxAwaitingRel) = (64, 64));
    }

    [Fact]
    public void Durations_are_positive()
    {
        Assert.Equal("mqtt.await_rel_timeout: must be longer than 0s, got 0s", Error(o => o.Mqtt.AwaitRelTimeout = default));
        Assert.Equal("mqtt.retry_interval: must be longer than 0s, got 0s", Error(o => o.Mqtt.RetryInterval = default));
        Assert.Equal("mqtt.idle_timeout: must be longer than 0s, got 0s", Error(o => o.Mqtt.IdleTimeout = default));
        Valid(o => o.Mqtt.SessionExpiryInterval = default);
    }

    [Fact]
    public void Session_expiry_fits_mqtt_5()
    {
        Assert.Equal(
            "mqtt.session_expiry_interval: must be at most 4294967295 seconds (the MQTT 5 maximum), got 49711d",
            Error(o => o.Mqtt.SessionExpiryInterval = Duration.FromHours(49711 * 24)));
        Valid(o => o.Mqtt.SessionExpiryInterval = Duration.FromSeconds(uint.MaxValue));
    }

    [Theory]
    [InlineData(0.5)]
    [InlineData(0)]
    [InlineData(101)]
    [InlineData(double.NaN)]
    public void Keepalive_multiplier_is_at_least_1(double multiplier) =>
        Assert.StartsWith("mqtt.keepalive_multiplier: must be between 1 and 100, got ", Error(o => o.Mqtt.KeepaliveMultiplier = multiplier), StringComparison.Ordinal);

    [Fact]
    public void Node_name_is_name_at_host()
    {
        Assert.Equal("node.name: must look like name@host, e.g. broker@10.0.0.1, got \"broker\"", Error(o => o.Node.Name = "broker"));
        Assert.StartsWith("node.name:", Error(o => o.Node.Name = "@host"), StringComparison.Ordinal);
        Assert.StartsWith("node.name:", Error(o => o.Node.Name = "a@b@c"), StringComparison.Ordinal);
        Assert.StartsWith("node.name:", Error(o => o.Node.Name = "a b@c"), StringComparison.Ordinal);
    }

    [Fact]
    public void Data_dir_is_not_empty() =>
        Assert.Equal("node.data_dir: must not be empty", Error(o => o.Node.DataDir = " "));

    [Theory]
    [InlineData("ssl")]
    [InlineData("wss")]
    public void An_enabled_tls_listener_needs_a_certificate_and_key(string name)
    {
        var options = new BrokerOptions();
        options.Listeners.All().Single(l => l.Name == name).Listener.Enabled = true;
        Assert.Equal(
            [
                $"listeners.{name}.certfile: is required when listeners.{name}.enabled = true (a PEM file)",
                $"listeners.{name}.keyfile: is required when listeners.{name}.enabled = true (a PEM file)",
            ],
            BrokerOptionsValidator.Validate(options).Select(e => e.ToString()));
    }

    [Fact]
    public void Tls_files_must_exist()
    {
        var cert = _files.Write("cert.pem", "x");
        var missing = Path.Combine(_files.Root, "missing.pem");
        var options = new BrokerOptions();
        options.Listeners.Ssl.Enabled = true;
        options.Listeners.Ssl.CertFile = cert;
        options.Listeners.Ssl.KeyFile = missing;
        options.Listeners.Ssl.CaCertFile = missing;
        Assert.Equal(
            [$"listeners.ssl.keyfile: file not found: {missing}", $"listeners.ssl.cacertfile: file not found: {missing}"],
            BrokerOptionsValidator.Validate(options).Select(e => e.ToString()));

        options.Listeners.Ssl.KeyFile = cert;
        options.Listeners.Ssl.CaCertFile = cert;
        Assert.Empty(BrokerOptionsValidator.Validate(options));
    }

    [Fact]
    public void Disabled_tls_listeners_are_not_checked_for_files() =>
        Valid(o => o.Listeners.Wss.CertFile = "/does/not/exist.pem");

    [Fact]
    public void Fail_if_no_peer_cert_requires_verify_peer()
    {
        var cert = _files.Write("cert.pem", "x");
        var options = new BrokerOptions();
        options.Listeners.Ssl.Enabled = true;
        options.Listeners.Ssl.CertFile = cert;
        options.Listeners.Ssl.KeyFile = cert;
        options.Listeners.Ssl.FailIfNoPeerCert = true;
        Assert.Equal(
            "listeners.ssl.fail_if_no_peer_cert: requires verify = verify_peer; with verify_none no client certificate is requested",
            Assert.Single(BrokerOptionsValidator.Validate(options)).ToString());
        options.Listeners.Ssl.Verify = PeerVerification.VerifyPeer;
        Assert.Empty(BrokerOptionsValidator.Validate(options));
    }

    [Fact]
    public void All_errors_are_reported_together()
    {
        var result = _files.Load("listeners.tcp.port = 0\nmqtt.max_qos_allowed = 7\nmqtt.keepalive_multiplier = 0.5", null, "--listeners.ssl.enabled=true");
        Assert.Equal(5, result.Errors.Count);
    }
}
