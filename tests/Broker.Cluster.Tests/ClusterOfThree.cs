using Broker.Tests;
namespace Broker.Cluster.Tests;

/// <summary>
/// Three nodes in this process on 127.0.0.1, each with its own port, all seeded with the first (which then forms
/// the cluster by itself at once instead of waiting for the other seeds). Each cluster gets its own name, so the
/// test classes' clusters never join each other.
/// </summary>
internal sealed class ClusterOfThree : IAsyncDisposable
{
    private ClusterOfThree(TestNode[] nodes) => Nodes = nodes;

    public TestNode[] Nodes { get; }

    public TestNode A => Nodes[0];

    public TestNode B => Nodes[1];

    public TestNode C => Nodes[2];

    /// <param name="cFile">A SQLite file for C's retained messages, to restart C with them; null: all in memory.</param>
    /// <param name="tombstoneRetention">How long deletions are remembered; null: the default.</param>
    public static async Task<ClusterOfThree> StartAsync(string name, string? cFile = null, TimeSpan? tombstoneRetention = null)
    {
        var ports = new[] { UnassignedPorts.Next(), UnassignedPorts.Next(), UnassignedPorts.Next() };
        var nodes = new TestNode[ports.Length];
        for (var i = 0; i < ports.Length; i++)
        {
            nodes[i] = await TestNode.StartAsync(new ClusterSettings
            {
                Name = name,
                Bind = "127.0.0.1",
                Port = ports[i],
                Seeds = [$"127.0.0.1:{ports[0]}"],
                StableAfter = TimeSpan.FromSeconds(5),
                ForwardStallTimeout = TimeSpan.FromSeconds(1),
                RetainedTombstoneRetention = tombstoneRetention ?? TimeSpan.FromHours(1),
            }, i == 2 ? cFile : null);
        }

        var cluster = new ClusterOfThree(nodes);
        await Eventually.True(
            () => nodes.All(n => n.Cluster.Members.Members.Count(m => m.Status == ClusterMemberStatus.Up) == nodes.Length),
            "all three nodes see three members Up", TimeSpan.FromSeconds(30));
        return cluster;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var node in Nodes)
        {
            await node.DisposeAsync();
        }
    }
}
