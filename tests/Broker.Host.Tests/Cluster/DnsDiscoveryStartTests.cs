using System.Net;
using Broker.Host.Options;
using Broker.Tests;
using Microsoft.Extensions.Logging.Abstractions;

namespace Broker.Host.Tests.Cluster;

/// <summary>The runtime starts the cluster for dns discovery as for static (the lookups are Broker.Cluster.Tests').</summary>
public sealed class DnsDiscoveryStartTests : IDisposable
{
    private readonly string _dataDir = Directory.CreateTempSubdirectory("broker-dns-start-").FullName;

    public void Dispose() => Directory.Delete(_dataDir, recursive: true);

    [Fact]
    public async Task A_node_with_dns_discovery_starts_its_cluster_and_stops_at_once_while_it_has_found_no_seed()
    {
        var options = new BrokerOptions();
        options.Node.DataDir = _dataDir;
        options.Persistence.Durability = PersistenceDurability.None;
        options.Cluster.Name = "host-dns-test";
        options.Cluster.DiscoveryStrategy = DiscoveryStrategy.Dns;
        options.Cluster.Bind = "127.0.0.1";
        options.Cluster.Port = UnassignedPorts.Next();
        options.Cluster.Dns.Name = "broker.invalid";
        // A port where no name server listens: the node finds nothing and keeps looking.
        options.Cluster.Dns.Server = $"127.0.0.1:{UnassignedPorts.Next()}";

        var runtime = await BrokerRuntime.CreateAsync(options, NullLoggerFactory.Instance);
        var cluster = runtime.Cluster;
        Assert.NotNull(cluster);
        Assert.False(cluster.IsUp);

        await runtime.StopAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(8));
        await runtime.DisposeAsync();
        Assert.True(cluster.Terminated.IsCompleted);
    }

}
