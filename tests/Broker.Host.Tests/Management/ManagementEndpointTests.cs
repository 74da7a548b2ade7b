using System.Net;

namespace Broker.Host.Tests.Management;

/// <summary>The management endpoint of a node not in a cluster, over real HTTP: its answers, probes and refusals.</summary>
public sealed class ManagementEndpointTests
{
    [Fact]
    public async Task A_node_not_in_a_cluster_shows_the_address_it_will_have_and_no_members()
    {
        await using var node = await ManagedNode.StartAsync("mgmt-alone");

        var (status, body) = await node.GetAsync("/cluster/members");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal($"akka.tcp://mgmt-alone@{node.ClusterEndpoint}", body.GetProperty("selfNode").GetString());
        Assert.Equal(node.Runtime.NodeName, body.GetProperty("selfNode").GetString());
        Assert.False(body.GetProperty("clustered").GetBoolean());
        Assert.Equal(0, body.GetProperty("members").GetArrayLength());
        Assert.Equal(0, body.GetProperty("unreachable").GetArrayLength());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, body.GetProperty("leader").ValueKind);
        Assert.Equal(System.Text.Json.JsonValueKind.Null, body.GetProperty("oldest").ValueKind);
        Assert.Equal(System.Text.Json.JsonValueKind.Object, body.GetProperty("oldestPerRole").ValueKind);
        Assert.Null(node.Runtime.Cluster);
    }

    [Fact]
    public async Task Alive_answers_from_the_start_and_ready_only_once_the_listeners_accept()
    {
        await using var node = await ManagedNode.StartAsync("mgmt-probes", listen: false);

        Assert.Equal(HttpStatusCode.OK, (await node.GetAsync("/alive")).Status);
        var (notReady, why) = await node.GetAsync("/ready");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, notReady);
        Assert.Contains("listeners", why.GetProperty("message").GetString(), StringComparison.Ordinal);

        await node.ListenAsync();

        var (ready, body) = await node.GetAsync("/ready");
        Assert.Equal(HttpStatusCode.OK, ready);
        Assert.Equal("ready", body.GetProperty("message").GetString());
    }

    [Fact]
    public async Task Unknown_members_and_routes_get_404_with_a_message()
    {
        await using var node = await ManagedNode.StartAsync("mgmt-unknown");

        foreach (var (method, path) in new[]
        {
            (HttpMethod.Get, "/cluster/members/127.0.0.1:1"),
            (HttpMethod.Delete, "/cluster/members/akka.tcp%3A%2F%2Fmgmt-unknown%40127.0.0.1%3A1"),
            (HttpMethod.Get, "/cluster/nodes"),
        })
        {
            var (status, body) = await node.SendAsync(method, path);
            Assert.Equal(HttpStatusCode.NotFound, status);
            Assert.False(string.IsNullOrEmpty(body.GetProperty("message").GetString()));
        }

        var (leave, leaveBody) = await node.SendAsync(HttpMethod.Put, "/cluster/members/127.0.0.1:1", new() { ["operation"] = "Leave" });
        Assert.Equal(HttpStatusCode.NotFound, leave);
        Assert.Contains("not in a cluster", leaveBody.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("Terminate")]
    public async Task An_operation_other_than_leave_or_down_gets_400(string? operation)
    {
        await using var node = await ManagedNode.StartAsync("mgmt-operation");

        var (status, body) = await node.SendAsync(HttpMethod.Put, $"/cluster/members/{node.ClusterEndpoint}",
            operation is null ? null : new() { ["operation"] = operation });

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.StartsWith("Operation not supported", body.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null, "'address' is required")]
    [InlineData("somewhere", "not a cluster endpoint")]
    [InlineData("127.0.0.1:0", "not a cluster endpoint")]
    [InlineData("akka.tcp://other@127.0.0.1:4370", "cluster 'other'")]
    [InlineData("akka://mgmt-join@127.0.0.1:4370", "not an akka.tcp:// address")]
    public async Task A_join_needs_a_cluster_endpoint_of_this_cluster(string? address, string expected)
    {
        await using var node = await ManagedNode.StartAsync("mgmt-join");

        var (status, body) = await node.SendAsync(HttpMethod.Post, "/cluster/members", address is null ? null : new() { ["address"] = address });

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains(expected, body.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Null(node.Runtime.Cluster);
    }

    [Fact]
    public async Task A_join_whose_cluster_port_is_taken_answers_500_and_leaves_the_node_alone()
    {
        await using var node = await ManagedNode.StartAsync("mgmt-taken");
        var port = int.Parse(node.ClusterEndpoint[(node.ClusterEndpoint.IndexOf(':', StringComparison.Ordinal) + 1)..], System.Globalization.CultureInfo.InvariantCulture);
        using var occupant = new System.Net.Sockets.TcpListener(IPAddress.Loopback, port);
        occupant.Start();

        var (status, body) = await node.SendAsync(HttpMethod.Post, "/cluster/members", new() { ["address"] = node.ClusterEndpoint });

        Assert.Equal(HttpStatusCode.InternalServerError, status);
        Assert.Contains($"cluster.port {port}", body.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Null(node.Runtime.Cluster);
        Assert.False((await node.GetAsync("/cluster/members")).Body.GetProperty("clustered").GetBoolean());
    }

    [Fact]
    public async Task A_node_with_static_discovery_refuses_a_join_it_was_not_built_for()
    {
        await using var node = await ManagedNode.StartAsync("mgmt-static", configure: o =>
        {
            o.Cluster.DiscoveryStrategy = Options.DiscoveryStrategy.Static;
            o.Cluster.Static.Seeds = [$"127.0.0.1:{o.Cluster.Port}"];
        });
        await node.Runtime.Cluster!.WhenUp.WaitAsync(Eventually.Default);

        var (status, body) = await node.SendAsync(HttpMethod.Post, "/cluster/members", new() { ["address"] = node.ClusterEndpoint });

        Assert.Equal(HttpStatusCode.Conflict, status);
        Assert.Contains("already in cluster", body.GetProperty("message").GetString(), StringComparison.Ordinal);
    }
}
