using System.Net;
using Broker.Cluster.Discovery;
using Broker.Tests;

namespace Broker.Cluster.Tests.Discovery;

/// <summary>The lookup against a real DNS server on loopback.</summary>
public sealed class DnsSeedLookupTests : IDisposable
{
    private readonly TestDnsServer _dns = TestDnsServer.Start();

    public void Dispose() => _dns.Dispose();

    private DnsSeedLookup Lookup(string name, DnsRecordType type, int clusterPort = 4370) =>
        new(new DnsDiscoverySettings { Name = name, RecordType = type, Server = _dns.Address, QueryTimeout = TimeSpan.FromSeconds(2) }, clusterPort);

    [Fact]
    public async Task A_records_are_nodes_at_this_nodes_cluster_port()
    {
        _dns.SetA("broker.test", IPAddress.Parse("10.0.0.2"), IPAddress.Parse("10.0.0.1"));

        var result = await Lookup("broker.test", DnsRecordType.A, 4371).LookupAsync(CancellationToken.None);

        Assert.Null(result.Problem);
        Assert.Equal(["10.0.0.1:4371", "10.0.0.2:4371"], result.Seeds.Select(s => s.ToString()).Order());
    }

    [Fact]
    public async Task A_name_with_only_aaaa_records_gives_its_ipv6_addresses()
    {
        _dns.SetA("v6.broker.test", IPAddress.Parse("fd00::1"));

        var result = await Lookup("v6.broker.test", DnsRecordType.A).LookupAsync(CancellationToken.None);

        Assert.Equal(["[fd00::1]:4370"], result.Seeds.Select(s => s.ToString()));
    }

    [Fact]
    public async Task Srv_records_give_each_nodes_host_and_port()
    {
        _dns.SetSrv("_cluster._tcp.broker.test", ("Broker-1.broker.test", 4371), ("broker-0.broker.test", 4370));

        var result = await Lookup("_cluster._tcp.broker.test", DnsRecordType.Srv).LookupAsync(CancellationToken.None);

        Assert.Equal(["broker-0.broker.test:4370", "broker-1.broker.test:4371"], result.Seeds.Select(s => s.ToString()).Order());
    }

    [Fact]
    public async Task A_name_that_does_not_exist_gives_no_seed_and_the_reason()
    {
        var result = await Lookup("missing.broker.test", DnsRecordType.Srv).LookupAsync(CancellationToken.None);

        Assert.Empty(result.Seeds);
        Assert.Equal("the name server answered: Non-Existent Domain", result.Problem);
        Assert.True(_dns.Queries >= 1);
    }

    [Fact]
    public async Task A_name_with_records_of_another_type_gives_no_seed()
    {
        _dns.SetA("broker.test", IPAddress.Parse("10.0.0.1"));

        var result = await Lookup("broker.test", DnsRecordType.Srv).LookupAsync(CancellationToken.None);

        Assert.Empty(result.Seeds);
        Assert.Equal("no SRV records", result.Problem);
    }

    [Fact]
    public async Task A_name_server_that_does_not_answer_gives_no_seed_and_the_reason()
    {
        var silent = new DnsSeedLookup(
            new DnsDiscoverySettings { Name = "broker.test", Server = $"127.0.0.1:{UnassignedPorts.Next()}", QueryTimeout = TimeSpan.FromMilliseconds(300) }, 4370);

        var result = await silent.LookupAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Empty(result.Seeds);
        Assert.Equal("no answer from the name server within 0.3s", result.Problem);
    }
}
