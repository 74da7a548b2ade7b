using Broker.Interop.Tests.Infrastructure;
using Broker.Tests;

namespace Broker.Interop.Tests;

/// <summary>
/// Two broker processes with manual discovery (the default): each serves alone, with no cluster port, until
/// <c>broker ctl cluster join</c> makes them one cluster; then a message published with mosquitto_pub on one reaches
/// a mosquitto_sub that subscribed on the other before the join.
/// </summary>
public sealed class ManualClusterTests(ITestOutputHelper output) : IAsyncLifetime
{
    private readonly ClusterProcesses _cluster = new(output);
    private int[] _clusterPorts = [];

    public async Task InitializeAsync()
    {
        _clusterPorts = [UnassignedPorts.Next(), UnassignedPorts.Next()];
        for (var i = 0; i < _clusterPorts.Length; i++)
        {
            var node = await BrokerProcess.StartOursAsync(
                "--cluster.name=manual", "--cluster.bind=127.0.0.1", $"--cluster.port={_clusterPorts[i]}", $"--node.name=m{i + 1}@127.0.0.1");
            _cluster.Add(node);
        }
    }

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    [InteropFact(Tools.MosquittoSub, Tools.MosquittoPub, OursOnly = true, OwnBroker = true)]
    public async Task Two_single_nodes_joined_by_broker_ctl_become_one_cluster_that_carries_messages()
    {
        var topic = Names.Topic("manual");
        var onSecond = await ClusterProbes.SubscribedAsync(_cluster.Clients[1], "-t", topic);
        Assert.Empty(await _cluster.Nodes[0].MemberStatusesAsync());
        Assert.Contains("Not in a cluster", (await Ctl(_cluster.Nodes[1], "cluster", "status")).Transcript, StringComparison.Ordinal);

        // The first node joins its own cluster endpoint (a cluster of one), the second joins the first.
        var first = await Ctl(_cluster.Nodes[0], "cluster", "join", $"127.0.0.1:{_clusterPorts[0]}");
        Assert.Equal($"Joining akka.tcp://manual@127.0.0.1:{_clusterPorts[0]}", Assert.Single(first.Lines));
        await ClusterProbes.UntilMembersUpAsync(_cluster.Nodes[0], 1);
        await Ctl(_cluster.Nodes[1], "cluster", "join", $"127.0.0.1:{_clusterPorts[0]}");

        foreach (var node in _cluster.Nodes)
            await ClusterProbes.UntilMembersUpAsync(node, 2);
        Assert.Contains("Members (2, 2 Up):", (await Ctl(_cluster.Nodes[1], "cluster", "status")).Lines);
        await ClusterProbes.UntilReceivedAsync(_cluster.Clients[0], topic, onSecond);
    }

    /// <summary>broker ctl against the node's management endpoint, which must succeed.</summary>
    private async Task<CapturedProcess> Ctl(BrokerProcess node, params string[] args)
    {
        var ctl = await node.CtlAsync(output, args);
        Assert.True(ctl.ExitCode == 0, ctl.Describe());
        return ctl;
    }
}
