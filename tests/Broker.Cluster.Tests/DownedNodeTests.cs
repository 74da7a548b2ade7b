namespace Broker.Cluster.Tests;

/// <summary>
/// A node downed from its cluster: the other nodes' routes leave its table with the cluster, and the settings it rejoins
/// with name the members it saw and its seeds, never itself (Akka's first seed forms a new cluster when no other answers).
/// </summary>
public sealed class DownedNodeTests
{
    [Fact]
    public async Task A_downed_node_drops_the_others_routes_and_rejoins_through_the_members_it_saw()
    {
        await using var cluster = await ClusterOfThree.StartAsync("broker-test-downed");
        cluster.A.Subscribe("on-a", "a/#");
        await Eventually.True(() => cluster.C.HasRoute("a/#", cluster.A.Name), "C has A's route");
        var endpoints = cluster.Nodes.Select(n => n.Name[(n.Name.IndexOf('@', StringComparison.Ordinal) + 1)..]).ToArray();

        cluster.A.Cluster.Down(cluster.C.Name);

        await cluster.C.Cluster.Terminated.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.False(cluster.C.HasRoute("a/#", cluster.A.Name));
        var rejoin = cluster.C.Cluster.RejoinSettings();
        Assert.Equal(endpoints[..2].Order(StringComparer.Ordinal), rejoin.Seeds.Order(StringComparer.Ordinal));

        await using var rejoined = await TestNode.StartAsync(rejoin);
        Assert.Equal(cluster.C.Name, rejoined.Name);
        await rejoined.Cluster.WhenUp.WaitAsync(TimeSpan.FromSeconds(30));
        await Eventually.True(() => rejoined.HasRoute("a/#", cluster.A.Name), "the rejoined node has A's route");
    }

    [Fact]
    public async Task The_first_seed_would_rejoin_through_the_others_only()
    {
        await using var cluster = await ClusterOfThree.StartAsync("broker-test-first-seed");
        var self = cluster.A.Name[(cluster.A.Name.IndexOf('@', StringComparison.Ordinal) + 1)..];

        var rejoin = cluster.A.Cluster.RejoinSettings();

        Assert.Equal(self, Assert.Single(cluster.A.Cluster.Settings.Seeds));
        Assert.Equal(2, rejoin.Seeds.Count);
        Assert.DoesNotContain(self, rejoin.Seeds);
    }
}
