using Broker.Host.Options;

namespace Broker.Host.Tests.Configuration;

public sealed class ClusterOptionsTests : IDisposable
{
    private readonly ConfigFiles _files = new();

    public void Dispose() => _files.Dispose();

    private static string Error(Action<BrokerOptions> change) => OptionsErrors.Single(change);

    [Fact]
    public void A_node_runs_alone_by_default()
    {
        var options = _files.Load("").Options.Cluster;

        Assert.Equal((DiscoveryStrategy.Manual, 4370, SplitBrainStrategy.KeepMajority), (options.DiscoveryStrategy, options.Port, options.SplitBrainResolver.Strategy));
        Assert.Empty(options.Static.Seeds);
    }

    [Fact]
    public void Seeds_come_as_a_list_in_the_file()
    {
        var result = _files.Load("cluster { discovery_strategy = static, static.seeds = [\"127.0.0.1:4370\", \"127.0.0.1:4371\"] }");

        Assert.Empty(result.Errors);
        Assert.Equal(DiscoveryStrategy.Static, result.Options.Cluster.DiscoveryStrategy);
        Assert.Equal(["127.0.0.1:4370", "127.0.0.1:4371"], result.Options.Cluster.Static.Seeds);
    }

    [Fact]
    public void Seeds_come_as_a_comma_separated_string_in_an_environment_variable()
    {
        var result = _files.Load("", new Dictionary<string, string>
        {
            ["BROKER_CLUSTER__DISCOVERY_STRATEGY"] = "static",
            ["BROKER_CLUSTER__STATIC__SEEDS"] = "127.0.0.1:4370, 127.0.0.1:4371",
        });

        Assert.Empty(result.Errors);
        Assert.Equal(["127.0.0.1:4370", "127.0.0.1:4371"], result.Options.Cluster.Static.Seeds);
    }

    [Fact]
    public void The_cluster_settings_take_the_host_of_the_node_name_and_a_frame_for_the_largest_packet()
    {
        var options = _files.Load("node.name = \"n1@10.0.0.7\"\nmqtt.max_packet_size = 8MB\ncluster { name = plant, port = 4371, split_brain_resolver.strategy = keep_oldest }").Options;

        var settings = options.Cluster.ToSettings(options.Node, options.Mqtt);

        Assert.Equal(("plant", "10.0.0.7", 4371), (settings.Name, settings.EffectivePublicHost, settings.Port));
        Assert.Equal(Broker.Cluster.SplitBrainStrategy.KeepOldest, settings.SplitBrainStrategy);
        Assert.Equal(8 * 1024 * 1024 + 64 * 1024, settings.MaximumFrameSize);
    }

    [Fact]
    public void Static_discovery_needs_a_seed() =>
        Assert.Equal(
            "cluster.static.seeds: must name at least one seed (host:port) when cluster.discovery_strategy is static",
            Error(o => o.Cluster.DiscoveryStrategy = DiscoveryStrategy.Static));

    [Fact]
    public void A_seed_is_host_and_port() =>
        Assert.Equal(
            "cluster.static.seeds: each seed must look like host:port, e.g. 10.0.0.1:4370, got \"10.0.0.1\"",
            Error(o => o.Cluster.Static.Seeds = ["10.0.0.1"]));

    [Fact]
    public void The_name_is_an_actor_system_name() =>
        Assert.Equal(
            "cluster.name: must be letters, digits, '-' and '_', starting with a letter or digit, got \"plant one\"",
            Error(o => o.Cluster.Name = "plant one"));

    [Fact]
    public void An_unknown_strategy_names_the_known_ones() =>
        Assert.Contains(
            "one of manual, static, dns",
            string.Join("\n", _files.Load("cluster.discovery_strategy = k8s").Errors.Select(e => e.ToString())),
            StringComparison.Ordinal);

    [Fact]
    public void Dns_discovery_takes_emqx_names_in_the_file()
    {
        var result = _files.Load("cluster { discovery_strategy = dns, dns { name = \"_cluster._tcp.broker.default.svc.cluster.local\", record_type = srv, server = \"10.96.0.10:53\" } }");

        Assert.Empty(result.Errors);
        var dns = result.Options.Cluster.Dns;
        Assert.Equal((DiscoveryStrategy.Dns, "_cluster._tcp.broker.default.svc.cluster.local", DnsRecordType.Srv, "10.96.0.10:53"), (result.Options.Cluster.DiscoveryStrategy, dns.Name, dns.RecordType, dns.Server));
    }

    [Fact]
    public void Dns_discovery_looks_up_a_records_with_the_systems_resolvers_by_default()
    {
        var dns = _files.Load("cluster.dns.name = broker.example").Options.Cluster.Dns;

        Assert.Equal((DnsRecordType.A, ""), (dns.RecordType, dns.Server));
    }

    [Fact]
    public void Dns_discovery_maps_to_the_clusters_dns_settings_and_no_static_seeds()
    {
        var options = _files.Load("node.name = \"n1@broker-0.broker.default.svc.cluster.local\"\ncluster { discovery_strategy = dns, static.seeds = [\"10.0.0.1:4370\"], dns { name = \"_cluster._tcp.broker.default.svc.cluster.local\", record_type = srv, server = \" 10.96.0.10 \" } }").Options;

        var settings = options.Cluster.ToSettings(options.Node, options.Mqtt);

        Assert.Empty(settings.Seeds);
        Assert.Equal("broker-0.broker.default.svc.cluster.local", settings.EffectivePublicHost);
        Assert.Equal(
            ("_cluster._tcp.broker.default.svc.cluster.local", Broker.Cluster.Discovery.DnsRecordType.Srv, "10.96.0.10"),
            (settings.DnsDiscovery!.Name, settings.DnsDiscovery.RecordType, settings.DnsDiscovery.Server));
    }

    [Fact]
    public void Static_discovery_maps_to_seeds_and_no_dns()
    {
        var options = _files.Load("cluster { discovery_strategy = static, static.seeds = [\"10.0.0.1:4370\"], dns.name = broker.example }").Options;

        var settings = options.Cluster.ToSettings(options.Node, options.Mqtt);

        Assert.Equal(["10.0.0.1:4370"], settings.Seeds);
        Assert.Null(settings.DnsDiscovery);
    }

    [Fact]
    public void Dns_discovery_needs_a_name() =>
        Assert.Equal(
            "cluster.dns.name: must name the DNS name to look up (e.g. a Kubernetes headless service) when cluster.discovery_strategy is dns",
            Error(o => o.Cluster.DiscoveryStrategy = DiscoveryStrategy.Dns));

    [Fact]
    public void The_dns_name_is_a_host_name() =>
        Assert.Equal(
            "cluster.dns.name: must be a DNS name (letters, digits, '-' and '_', dots between), got \"broker headless\"",
            Error(o => o.Cluster.Dns.Name = "broker headless"));

    [Theory]
    [InlineData("10.96.0.10:0")]
    [InlineData("10.96.0.10:dns")]
    [InlineData("name server")]
    public void The_dns_server_is_host_and_port(string server) =>
        Assert.Equal(
            $"cluster.dns.server: must be host or host:port, e.g. 10.96.0.10:53, or empty for the system's resolvers, got \"{server}\"",
            Error(o => o.Cluster.Dns.Server = server));

    [Fact]
    public void A_records_need_a_fixed_cluster_port() =>
        Assert.Equal(
            "cluster.port: must not be 0 with cluster.dns.record_type a: the other nodes find this node at its port",
            Error(o =>
            {
                o.Cluster.DiscoveryStrategy = DiscoveryStrategy.Dns;
                o.Cluster.Dns.Name = "broker.example";
                o.Cluster.Port = 0;
            }));

    [Fact]
    public void Srv_records_carry_the_port_so_any_cluster_port_will_do() =>
        Assert.Empty(BrokerOptionsValidator.Validate(new BrokerOptions
        {
            Cluster = { DiscoveryStrategy = DiscoveryStrategy.Dns, Port = 0, Dns = { Name = "_cluster._tcp.broker.example", RecordType = DnsRecordType.Srv } },
        }));
}
