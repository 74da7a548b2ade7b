namespace Broker.Interop.Tests.Infrastructure;

/// <summary>The command line of node i (0-based) of a cluster on loopback whose nodes are all its static seeds.</summary>
public static class StaticCluster
{
    /// <summary>The split brain resolver decides after 5 s, so a killed node is removed within a test's patience.</summary>
    public static string[] NodeArgs(string name, int[] clusterPorts, int i, params string[] extra) =>
    [
        $"--cluster.name={name}", "--cluster.discovery_strategy=static",
        $"--cluster.static.seeds={string.Join(',', clusterPorts.Select(p => $"127.0.0.1:{p}"))}",
        "--cluster.bind=127.0.0.1", $"--cluster.port={clusterPorts[i]}", $"--node.name=n{i + 1}@127.0.0.1",
        "--cluster.split_brain_resolver.stable_after=5s", .. extra,
    ];
}
