using Akka.Actor;
using Akka.Cluster.Sharding.Serialization;
using Akka.Configuration;
using Akka.DistributedData;
using Akka.DistributedData.Serialization;
using Broker.Tests;
using Broker.Cluster.Discovery;
using Broker.Cluster.Routing;

namespace Broker.Cluster.Tests;

public sealed class SettingsTests
{
    /// <summary>
    /// Distributed data digests its envelopes with the serializer the system had when its replicator started. Bound
    /// from the start, the binding cannot be lost to two extensions injecting their configurations at once.
    /// </summary>
    [Fact]
    public async Task The_extensions_serializers_are_bound_before_any_extension_starts()
    {
        var port = UnassignedPorts.Next();
        var hocon = ClusterHocon.Build(new ClusterSettings { Name = "bindings", Bind = "127.0.0.1", Port = port, Seeds = [$"127.0.0.1:{port}"] });
        using var system = ActorSystem.Create("bindings", ClusterHocon.Load(hocon));
        try
        {
            Assert.IsType<ReplicatorMessageSerializer>(system.Serialization.FindSerializerForType(typeof(Akka.DistributedData.Internal.DataEnvelope)));
            Assert.IsType<ReplicatedDataSerializer>(system.Serialization.FindSerializerForType(typeof(ORSet<string>)));
            Assert.IsType<ClusterShardingMessageSerializer>(system.Serialization.FindSerializerForType(typeof(Akka.Cluster.Sharding.ShardRegion.StartEntity)));
        }
        finally
        {
            await system.Terminate();
        }
    }

    [Fact]
    public void The_hocon_carries_the_settings()
    {
        var hocon = ClusterHocon.Build(new ClusterSettings
        {
            Name = "plant",
            Bind = "0.0.0.0",
            PublicHost = "broker-1.plant.local",
            Port = 4371,
            Seeds = ["broker-0.plant.local:4370", "broker-1.plant.local:4371"],
            SplitBrainStrategy = SplitBrainStrategy.StaticQuorum,
            StaticQuorumSize = 2,
            StableAfter = TimeSpan.FromSeconds(15),
        });
        var config = ConfigurationFactory.ParseString(hocon);

        Assert.Equal("cluster", config.GetString("akka.actor.provider"));
        Assert.Equal("0.0.0.0", config.GetString("akka.remote.dot-netty.tcp.hostname"));
        Assert.Equal("broker-1.plant.local", config.GetString("akka.remote.dot-netty.tcp.public-hostname"));
        Assert.Equal(4371, config.GetInt("akka.remote.dot-netty.tcp.port"));
        Assert.Equal(
            ["akka.tcp://plant@broker-0.plant.local:4370", "akka.tcp://plant@broker-1.plant.local:4371"],
            config.GetStringList("akka.cluster.seed-nodes"));
        Assert.Equal("static-quorum", config.GetString("akka.cluster.split-brain-resolver.active-strategy"));
        Assert.Equal(2, config.GetInt("akka.cluster.split-brain-resolver.static-quorum.quorum-size"));
        Assert.Equal(TimeSpan.FromSeconds(15), config.GetTimeSpan("akka.cluster.split-brain-resolver.stable-after"));
        Assert.False(config.GetBoolean("akka.log-dead-letters"));
        Assert.Equal(2 * 1024 * 1024, config.GetByteSize("akka.remote.dot-netty.tcp.maximum-frame-size"));
    }

    [Theory]
    [InlineData("", "127.0.0.1:4370")]
    [InlineData("plant", "no-port")]
    [InlineData("plant", "host:99999")]
    [InlineData("pl\"ant", "127.0.0.1:4370")]
    public void Bad_settings_are_refused(string name, string seed) =>
        Assert.Throws<ArgumentException>(() => ClusterHocon.Build(new ClusterSettings { Name = name, Seeds = [seed] }));

    [Fact]
    public void With_dns_discovery_akka_starts_with_no_seed()
    {
        var hocon = ClusterHocon.Build(new ClusterSettings { Name = "plant", DnsDiscovery = new DnsDiscoverySettings { Name = "broker.plant.local" } });

        Assert.Empty(ConfigurationFactory.ParseString(hocon).GetStringList("akka.cluster.seed-nodes"));
    }

    [Fact]
    public void Bad_dns_settings_are_refused()
    {
        Assert.Throws<ArgumentException>(() => ClusterHocon.Build(new ClusterSettings
        {
            Name = "plant", Seeds = ["10.0.0.1:4370"], DnsDiscovery = new DnsDiscoverySettings { Name = "broker.plant.local" },
        }));
        Assert.Throws<ArgumentException>(() => ClusterHocon.Build(new ClusterSettings
        {
            Name = "plant", Port = 0, DnsDiscovery = new DnsDiscoverySettings { Name = "broker.plant.local", RecordType = DnsRecordType.A },
        }));
        Assert.Throws<ArgumentException>(() => ClusterHocon.Build(new ClusterSettings { Name = "plant", DnsDiscovery = new DnsDiscoverySettings { Name = "" } }));
        Assert.Throws<ArgumentException>(() => ClusterHocon.Build(new ClusterSettings
        {
            Name = "plant", DnsDiscovery = new DnsDiscoverySettings { Name = "broker.plant.local", Server = "10.0.0.1:dns" },
        }));
        ClusterHocon.Build(new ClusterSettings { Name = "plant", Port = 0, DnsDiscovery = new DnsDiscoverySettings { Name = "_c._tcp.plant.local", RecordType = DnsRecordType.Srv } });
    }

    [Theory]
    [InlineData("keep_majority", SplitBrainStrategy.KeepMajority)]
    [InlineData("keep_oldest", SplitBrainStrategy.KeepOldest)]
    [InlineData("static_quorum", SplitBrainStrategy.StaticQuorum)]
    [InlineData("down_all", SplitBrainStrategy.DownAll)]
    public void Strategy_names_round_trip(string name, SplitBrainStrategy strategy)
    {
        Assert.True(SplitBrainStrategyNames.TryParse(name, out var parsed));
        Assert.Equal(strategy, parsed);
        Assert.Equal(name, strategy.ToConfigName());
    }

    [Fact]
    public void Route_keys_are_stable_and_spread()
    {
        Assert.Equal("broker-routes-", RouteKeys.For("a/b")!.Id[..14]);
        Assert.Same(RouteKeys.For("plant/+/temperature"), RouteKeys.For("plant/+/temperature"));
        var used = Enumerable.Range(0, 10_000).Select(i => RouteKeys.For($"site/{i}/#").Id).Distinct().Count();
        Assert.Equal(RouteKeys.Count, used);
        var element = RouteKeys.Element("akka.tcp://p@h:1#42", "a/#");
        Assert.Equal("akka.tcp://p@h:1#42", RouteKeys.IncarnationOf(element));
        Assert.Equal(("akka.tcp://p@h:1", "a/#"), RouteKeys.Parse(RouteKeys.Route(element)));
        Assert.Equal(RouteKeys.Route(element), RouteKeys.Route(RouteKeys.Element("akka.tcp://p@h:1#7", "a/#")));
        Assert.True(RouteKeys.IsAtAddress(element, "akka.tcp://p@h:1"));
        Assert.False(RouteKeys.IsAtAddress(RouteKeys.Element("akka.tcp://p@h:12#42", "a"), "akka.tcp://p@h:1"));
    }
}
