using System.Collections.Concurrent;

namespace Broker.Cluster.Tests;

/// <summary>A cluster of its own, because a node leaves it.</summary>
public sealed class LeaveTests
{
    [Fact]
    public async Task A_node_that_leaves_has_its_routes_removed_from_the_others()
    {
        await using var cluster = await ClusterOfThree.StartAsync("broker-test-leave");
        var removed = new ConcurrentQueue<string>();
        cluster.A.Cluster.MemberRemoved += removed.Enqueue;
        cluster.C.Subscribe("c1", "line/#");
        cluster.C.Subscribe("c2", "line/+/alarm");
        await Eventually.True(
            () => cluster.A.HasRoute("line/#", cluster.C.Name) && cluster.B.HasRoute("line/+/alarm", cluster.C.Name),
            "A and B have C's routes");

        await cluster.C.Cluster.LeaveAsync();

        await Eventually.True(() => removed.Contains(cluster.C.Name), "A saw C removed");
        foreach (var survivor in new[] { cluster.A, cluster.B })
        {
            await Eventually.True(
                () => !survivor.HasRoute("line/#", cluster.C.Name) && !survivor.HasRoute("line/+/alarm", cluster.C.Name),
                $"{survivor.Name} dropped C's routes");
            // Each survivor removes C when gossip tells it, a moment after A did.
            await Eventually.True(() => survivor.Cluster.Members.Members.All(m => m.Node != cluster.C.Name), $"{survivor.Name} removed C");
        }
    }
}
