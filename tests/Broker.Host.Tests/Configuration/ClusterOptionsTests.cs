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
            "one of manual, static",
            string.Join("\n", _files.Load("cluster.discovery_strategy = dns").Errors.Select(e => e.ToString())),
            StringComparison.Ordinal);
}
