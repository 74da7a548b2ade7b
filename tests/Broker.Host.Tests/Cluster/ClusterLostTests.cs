using Broker.Host.Options;
using Broker.Tests;
using Microsoft.Extensions.Logging.Abstractions;

namespace Broker.Host.Tests.Cluster;

/// <summary>A node whose cluster stops under it stops serving when told to (down_action exit); one the runtime stops itself is not "lost".</summary>
public sealed class ClusterLostTests : IDisposable
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);
    private readonly string _dataDir = Directory.CreateTempSubdirectory("broker-cluster-lost-").FullName;

    public void Dispose() => Directory.Delete(_dataDir, recursive: true);

    [Fact]
    public async Task A_node_downed_from_its_cluster_with_down_action_exit_says_the_cluster_is_lost()
    {
        var options = SingleNodeCluster();
        options.Cluster.DownAction = ClusterDownAction.Exit;
        await using var runtime = await BrokerRuntime.CreateAsync(options, NullLoggerFactory.Instance);
        var cluster = runtime.Cluster!;
        await cluster.WhenUp.WaitAsync(Bound);

        cluster.Down(cluster.NodeName);

        Assert.True(await runtime.ClusterEnded.WaitAsync(Bound), "lost");
    }

    [Fact]
    public async Task A_node_stopped_by_its_runtime_has_not_lost_its_cluster()
    {
        var runtime = await BrokerRuntime.CreateAsync(SingleNodeCluster(), NullLoggerFactory.Instance);
        await runtime.Cluster!.WhenUp.WaitAsync(Bound);

        await runtime.StopAsync(CancellationToken.None);

        Assert.True(runtime.Cluster.Terminated.IsCompleted);
        Assert.False(await runtime.ClusterEnded.WaitAsync(Bound), "lost");
    }

    [Fact]
    public async Task A_node_of_its_own_has_no_cluster_to_lose()
    {
        var options = new BrokerOptions();
        options.Node.DataDir = _dataDir;
        options.Persistence.Durability = PersistenceDurability.None;
        await using var runtime = await BrokerRuntime.CreateAsync(options, NullLoggerFactory.Instance);

        Assert.Null(runtime.Cluster);
        Assert.False(runtime.ClusterEnded.IsCompleted);
    }

    /// <summary>A cluster of one: its only seed is itself.</summary>
    private BrokerOptions SingleNodeCluster()
    {
        var port = UnassignedPorts.Next();
        var options = new BrokerOptions();
        options.Node.DataDir = _dataDir;
        options.Persistence.Durability = PersistenceDurability.None;
        options.Cluster.Name = "host-test";
        options.Cluster.DiscoveryStrategy = DiscoveryStrategy.Static;
        options.Cluster.Bind = "127.0.0.1";
        options.Cluster.Port = port;
        options.Cluster.Static.Seeds = [$"127.0.0.1:{port}"];
        return options;
    }

}
