namespace Broker.Cluster.Tests;

/// <summary>A node stopped and started again at the same address, as after a crash or a rolling upgrade.</summary>
public sealed class RestartTests
{
    [Fact]
    public async Task A_node_restarted_on_its_port_rejoins_and_its_new_routes_count()
    {
        await using var cluster = await ClusterOfThree.StartAsync("broker-test-restart");
        cluster.C.Subscribe("old", "old/#");
        await Eventually.True(() => cluster.A.HasRoute("old/#", cluster.C.Name), "A has the old C's route");
        var port = int.Parse(cluster.C.Name[(cluster.C.Name.LastIndexOf(':') + 1)..], System.Globalization.CultureInfo.InvariantCulture);
        var seed = cluster.A.Name[(cluster.A.Name.IndexOf('@', StringComparison.Ordinal) + 1)..];

        await cluster.C.DisposeAsync();
        await Eventually.True(() => !cluster.A.HasRoute("old/#", cluster.C.Name), "A dropped the old C's route");

        // Its connections may linger in TIME_WAIT; the port check must still let it bind.
        await using var restarted = await TestNode.StartAsync(new ClusterSettings { Name = "broker-test-restart", Port = port, Seeds = [seed] });
        Assert.Equal(cluster.C.Name, restarted.Name);
        await restarted.Cluster.WhenUp.WaitAsync(TimeSpan.FromSeconds(30));
        restarted.Subscribe("new", "new/#");

        await Eventually.True(() => cluster.A.HasRoute("new/#", restarted.Name), "A has the restarted node's route");
        Assert.False(cluster.A.HasRoute("old/#", restarted.Name));
    }
}
