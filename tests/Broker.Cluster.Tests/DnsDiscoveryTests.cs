using System.Net;
using Broker.Cluster.Discovery;
using Broker.Tests;
using Microsoft.Extensions.Logging;

namespace Broker.Cluster.Tests;

/// <summary>Nodes in this process that find their seeds through a real DNS server on loopback.</summary>
public sealed class DnsDiscoveryTests : IDisposable
{
    private readonly TestDnsServer _dns = TestDnsServer.Start();

    public void Dispose() => _dns.Dispose();

    private DnsDiscoverySettings Dns(string name, DnsRecordType type) => new()
    {
        Name = name,
        RecordType = type,
        Server = _dns.Address,
        FirstRetryInterval = TimeSpan.FromMilliseconds(200),
        MaxRetryInterval = TimeSpan.FromSeconds(1),
        StableMargin = TimeSpan.FromSeconds(1),
    };

    [Fact]
    public async Task Three_nodes_that_start_together_and_find_each_other_in_srv_records_form_one_cluster_around_the_lowest()
    {
        // On one host the nodes differ by port alone, which SRV records carry; the targets are names, as a
        // Kubernetes headless service gives them, with the trailing dot of a DNS answer.
        var ports = new[] { UnassignedPorts.Next(), UnassignedPorts.Next(), UnassignedPorts.Next() };
        _dns.SetSrv("_cluster._tcp.broker.test", ports.Reverse().Select(p => ("localhost.", p)).ToArray());
        var logs = ports.Select(_ => new RecordingLoggerFactory()).ToArray();

        var nodes = await Task.WhenAll(ports.Select((port, i) => TestNode.StartAsync(
            new ClusterSettings
            {
                Name = "broker-test-dns-srv",
                Bind = "127.0.0.1",
                PublicHost = "localhost",
                Port = port,
                DnsDiscovery = Dns("_cluster._tcp.broker.test", DnsRecordType.Srv),
                StableAfter = TimeSpan.FromSeconds(5),
            },
            logs: logs[i])));
        try
        {
            await Eventually.True(
                () => nodes.All(n => n.Cluster.Members.Members.Count(m => m.Status == ClusterMemberStatus.Up) == 3),
                "all three nodes see three members Up", TimeSpan.FromSeconds(30));

            var lowest = nodes[Array.IndexOf(ports, ports.Min())];
            Assert.All(nodes, n => Assert.Equal(lowest.Name, n.Cluster.Members.Oldest));
            Assert.Contains(logs[Array.IndexOf(ports, ports.Min())].Entries, e => e.Text.Contains("this node is the first; it forms the cluster", StringComparison.Ordinal));
            Assert.All(
                logs.Where((_, i) => ports[i] != ports.Min()),
                l => Assert.Contains(l.Entries, e => e.Text.Contains($"localhost:{ports.Min()} forms the cluster", StringComparison.Ordinal)));
        }
        finally
        {
            foreach (var node in nodes)
            {
                await node.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task A_node_whose_name_gives_its_own_address_forms_a_cluster_of_its_own()
    {
        _dns.SetA("single.broker.test", IPAddress.Loopback);
        var logs = new RecordingLoggerFactory();

        await using var node = await TestNode.StartAsync(
            new ClusterSettings { Name = "broker-test-dns-a", Bind = "127.0.0.1", Port = UnassignedPorts.Next(), DnsDiscovery = Dns("single.broker.test", DnsRecordType.A) },
            logs: logs);

        await node.Cluster.WhenUp.WaitAsync(TimeSpan.FromSeconds(20));
        await Eventually.True(() => node.Cluster.Members.Members.Select(m => m.Node).SequenceEqual([node.Name]), "the node sees itself alone Up");
        Assert.Contains(logs.Entries, e => e.Text.Contains("gives only this node", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_node_whose_name_does_not_resolve_keeps_looking_says_why_and_joins_once_dns_answers()
    {
        var logs = new RecordingLoggerFactory();
        await using var node = await TestNode.StartAsync(
            new ClusterSettings { Name = "broker-test-dns-late", Bind = "127.0.0.1", Port = UnassignedPorts.Next(), DnsDiscovery = Dns("late.broker.test", DnsRecordType.A) },
            logs: logs);

        // MembershipWatcher's periodic warning carries the reason the finder gave.
        await Eventually.True(
            () => logs.Entries.Any(e => e.Level == LogLevel.Warning
                && e.Text.Contains("not yet a cluster member", StringComparison.Ordinal)
                && e.Text.Contains("late.broker.test", StringComparison.Ordinal)
                && e.Text.Contains("Non-Existent Domain", StringComparison.Ordinal)),
            "a warning that the name gives no node");
        var asked = _dns.Queries;
        await Eventually.True(() => _dns.Queries >= asked + 2, "the node keeps asking the name server");
        Assert.False(node.Cluster.IsUp);

        _dns.SetA("late.broker.test", IPAddress.Loopback);

        await node.Cluster.WhenUp.WaitAsync(TimeSpan.FromSeconds(20));
        await Eventually.True(() => node.Cluster.Members.Members.Select(m => m.Node).SequenceEqual([node.Name]), "the node sees itself alone Up");
    }
}
