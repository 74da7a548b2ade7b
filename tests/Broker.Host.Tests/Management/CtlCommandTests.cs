using System.Net;
using System.Net.Sockets;
using Broker.Host.Commands;

namespace Broker.Host.Tests.Management;

/// <summary><c>broker ctl cluster</c> in process, against a node's management endpoint over real HTTP.</summary>
public sealed class CtlCommandTests : IDisposable
{
    private readonly StringWriter _output = new();
    private readonly StringWriter _error = new();

    public void Dispose()
    {
        _output.Dispose();
        _error.Dispose();
    }

    private async Task<int> Ctl(params string[] args)
    {
        _output.GetStringBuilder().Clear();
        _error.GetStringBuilder().Clear();
        return await BrokerCommands.RunAsync(["ctl", .. args], _output, _error, new Dictionary<string, string>());
    }

    private static string Endpoint(ManagedNode node) => node.Management.EndPoint!.ToString();

    [Fact]
    public async Task Status_of_a_node_not_in_a_cluster_says_so_and_leave_is_refused()
    {
        await using var node = await ManagedNode.StartAsync("ctl-alone");

        Assert.Equal(ExitCodes.Success, await Ctl("cluster", "status", "--management", Endpoint(node)));
        Assert.Contains($"This node: {node.Runtime.NodeName}", _output.ToString(), StringComparison.Ordinal);
        Assert.Contains("Not in a cluster", _output.ToString(), StringComparison.Ordinal);

        Assert.Equal(ExitCodes.Refused, await Ctl("cluster", "leave", $"--management={Endpoint(node)}"));
        Assert.Contains("not in a cluster", _error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Join_then_status_lists_the_members_and_force_leave_downs_the_other()
    {
        await using var a = await ManagedNode.StartAsync("ctl-pair");
        await using var b = await ManagedNode.StartAsync("ctl-pair", configure: o => o.Cluster.DownAction = Broker.Host.Options.ClusterDownAction.Exit);

        Assert.Equal(ExitCodes.Success, await Ctl("cluster", "join", a.ClusterEndpoint, "--management", Endpoint(a)));
        Assert.Equal($"Joining {a.Runtime.NodeName}", _output.ToString().Trim());
        Assert.Equal(ExitCodes.Success, await Ctl("cluster", "join", a.ClusterEndpoint, "--management", Endpoint(b)));
        await Eventually.True(async () =>
            await Ctl("cluster", "status", "--management", Endpoint(b)) == ExitCodes.Success
            && _output.ToString().Contains("Members (2, 2 Up)", StringComparison.Ordinal), "status shows two Up members");
        var lines = _output.ToString().Split('\n', StringSplitOptions.TrimEntries);
        Assert.Contains(lines, l => l.StartsWith(b.Runtime.NodeName, StringComparison.Ordinal) && l.Contains("  Up  ", StringComparison.Ordinal) && l.Contains("this node", StringComparison.Ordinal));
        // A was Up first; the leader is the member with the lowest address, either of them.
        Assert.Contains(lines, l => l.StartsWith(a.Runtime.NodeName, StringComparison.Ordinal) && l.Contains("oldest", StringComparison.Ordinal));
        Assert.Single(lines, l => l.Contains("leader", StringComparison.Ordinal));
        Assert.Contains("Unreachable: none", lines);

        Assert.Equal(ExitCodes.Refused, await Ctl("cluster", "join", a.ClusterEndpoint, "--management", Endpoint(b)));
        Assert.Contains("refused (409 Conflict)", _error.ToString(), StringComparison.Ordinal);

        Assert.Equal(ExitCodes.Success, await Ctl("cluster", "force-leave", b.ClusterEndpoint, "--management", Endpoint(a)));
        Assert.Equal($"Downing {b.Runtime.NodeName}", _output.ToString().Trim());
        Assert.True(await b.Runtime.ClusterEnded.WaitAsync(Eventually.Default), "B lost its cluster");
    }

    [Fact]
    public async Task Force_leave_of_an_unknown_node_is_refused_with_the_answer()
    {
        await using var node = await ManagedNode.StartAsync("ctl-unknown");

        Assert.Equal(ExitCodes.Refused, await Ctl("cluster", "force-leave", "127.0.0.1:1", "--management", Endpoint(node)));

        Assert.Contains("refused (404 NotFound): Member [127.0.0.1:1] not found", _error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_endpoint_comes_from_the_configuration_when_not_given()
    {
        await using var node = await ManagedNode.StartAsync("ctl-config");

        Assert.Equal(ExitCodes.Success, await Ctl("cluster", "status", $"--management.http.port={node.Management.EndPoint!.Port}"));
        Assert.Contains($"This node: {node.Runtime.NodeName}", _output.ToString(), StringComparison.Ordinal);

        Assert.Equal(ExitCodes.InvalidConfiguration, await Ctl("cluster", "status", "--management.http.port=0"));
        Assert.Contains("--management host:port", _error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_endpoint_nobody_listens_on_exits_4()
    {
        int port;
        using (var listener = new TcpListener(IPAddress.Loopback, 0))
        {
            listener.Start();
            port = ((IPEndPoint)listener.LocalEndpoint).Port;
        }

        Assert.Equal(ExitCodes.BrokerUnreachable, await Ctl("cluster", "status", "--management", $"127.0.0.1:{port}"));
        Assert.StartsWith($"broker ctl: cannot reach the management endpoint at http://127.0.0.1:{port}/", _error.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("cluster")]
    [InlineData("cluster", "rejoin")]
    [InlineData("nodes", "status")]
    [InlineData("cluster", "join")]
    [InlineData("cluster", "force-leave", "--management", "127.0.0.1:1")]
    [InlineData("cluster", "status", "--management")]
    public async Task Usage_errors_exit_2(params string[] args)
    {
        Assert.Equal(ExitCodes.InvalidConfiguration, await Ctl(args));
        Assert.Contains("Usage: broker ctl cluster status", _error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Help_prints_the_ctl_usage()
    {
        Assert.Equal(ExitCodes.Success, await Ctl("help"));
        Assert.Contains("broker ctl cluster force-leave <node>", _output.ToString(), StringComparison.Ordinal);
    }
}
