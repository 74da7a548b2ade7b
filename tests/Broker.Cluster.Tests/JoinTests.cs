using Broker.Cluster.Routing;
using Broker.Tests;
using Microsoft.Extensions.Logging;

namespace Broker.Cluster.Tests;

public sealed class JoinTests
{
    [Fact]
    public async Task A_node_that_reaches_no_seed_keeps_trying_and_says_so()
    {
        var logs = new RecordingLoggerFactory();
        var deadSeed = UnassignedPorts.Next();
        await using var cluster = await BrokerCluster.StartAsync(
            new ClusterSettings { Name = "broker-test-lonely", Port = 0, Seeds = [$"127.0.0.1:{deadSeed}"] }, logs);

        await Eventually.True(
            () => logs.Entries.Any(e => e.Level == LogLevel.Warning && e.Text.Contains("not yet a cluster member", StringComparison.Ordinal)),
            "a warning that the node is not yet a member");
        Assert.False(cluster.IsUp);
        Assert.StartsWith("akka.tcp://broker-test-lonely@127.0.0.1:", cluster.NodeName, StringComparison.Ordinal);
        Assert.NotEqual("akka.tcp://broker-test-lonely@127.0.0.1:0", cluster.NodeName);
        Assert.Contains(logs.Entries, e => e.Category.StartsWith("Akka.", StringComparison.Ordinal));

        // In no cluster, it has nothing to leave: shutting down does not wait the leave bound out.
        await cluster.LeaveAsync().WaitAsync(TimeSpan.FromSeconds(3));
        Assert.DoesNotContain(logs.Entries, e => e.Text.Contains("did not finish leaving", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_node_that_joins_later_gets_the_routes_of_the_members_and_none_of_a_departed_one()
    {
        await using var cluster = await ClusterOfThree.StartAsync("broker-test-late");
        cluster.A.Subscribe("a", "hall/+/light");
        // A route of B's in the same distributed-data key as C's, to know when the late node has seen that key.
        var sameKey = Enumerable.Range(0, 100_000).Select(i => $"probe/{i}")
            .First(f => RouteKeys.For(f) == RouteKeys.For("hall/+/door"));
        cluster.B.Subscribe("b", sameKey);
        cluster.C.Subscribe("c", "hall/+/door");
        await Eventually.True(() => cluster.B.HasRoute("hall/+/door", cluster.C.Name), "B has C's route");
        await cluster.C.Cluster.LeaveAsync();
        await Eventually.True(() => !cluster.B.HasRoute("hall/+/door", cluster.C.Name), "B dropped C's route");

        var seed = cluster.A.Name[(cluster.A.Name.IndexOf('@', StringComparison.Ordinal) + 1)..];
        await using var late = await TestNode.StartAsync(new ClusterSettings { Name = "broker-test-late", Port = 0, Seeds = [seed] });
        await late.Cluster.WhenUp.WaitAsync(TimeSpan.FromSeconds(20));

        await Eventually.True(() => late.HasRoute("hall/+/light", cluster.A.Name), "the late node has A's route");
        await Eventually.True(() => late.HasRoute(sameKey, cluster.B.Name), "the late node has B's route in C's key");
        // The late node never saw C, so only the leader's delete from the replicated data keeps C's route out of it.
        await Eventually.True(() => late.Routes.Nodes.Find("hall/+/door") is null, "the late node has no route of C's");
    }

    [Fact]
    public async Task The_node_name_is_known_from_the_settings_before_the_start()
    {
        var settings = new ClusterSettings { Name = "broker-test-name", Port = UnassignedPorts.Next(), PublicHost = "localhost" };
        Assert.Null((settings with { Port = 0 }).ExpectedNodeName);

        await using var cluster = await BrokerCluster.StartAsync(settings, new RecordingLoggerFactory());

        Assert.Equal($"akka.tcp://broker-test-name@localhost:{settings.Port}", settings.ExpectedNodeName);
        Assert.Equal(settings.ExpectedNodeName, cluster.NodeName);
        Assert.Null(cluster.Members.SelfStatus);
    }

    [Fact]
    public async Task A_port_in_use_is_reported_without_akka_types()
    {
        var port = UnassignedPorts.Next();
        await using var first = await BrokerCluster.StartAsync(
            new ClusterSettings { Name = "broker-test-port", Port = port }, new RecordingLoggerFactory());

        var e = await Assert.ThrowsAsync<InvalidOperationException>(() => BrokerCluster.StartAsync(
            new ClusterSettings { Name = "broker-test-port", Port = port }, new RecordingLoggerFactory()));
        Assert.Contains($"127.0.0.1:{port}", e.Message, StringComparison.Ordinal);
    }
}
