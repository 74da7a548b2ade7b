using System.Net;
using Broker.Cluster.Discovery;

namespace Broker.Cluster.Tests.Discovery;

public sealed class SeedAddressTests
{
    [Fact]
    public void A_dns_answer_and_a_node_name_that_differ_in_case_and_trailing_dot_are_the_same_node() =>
        Assert.Equal(SeedAddress.Of("broker-0.broker-headless.default.svc.cluster.local", 4370), SeedAddress.Of("Broker-0.Broker-Headless.default.svc.cluster.local.", 4370));

    [Fact]
    public void The_same_host_at_another_port_is_another_node() =>
        Assert.NotEqual(SeedAddress.Of("localhost", 4370), SeedAddress.Of("localhost", 4371));

    [Fact]
    public void Addresses_are_written_in_one_form()
    {
        Assert.Equal(SeedAddress.Of(IPAddress.Parse("fd00::1"), 4370), SeedAddress.Of("[FD00:0::1]", 4370));
        Assert.Equal("[fd00::1]:4370", SeedAddress.Of("fd00::1", 4370).ToString());
        Assert.Equal("10.0.0.1:4370", SeedAddress.Of("10.0.0.1", 4370).ToString());
    }

    [Fact]
    public void Only_a_dotted_quad_or_ipv6_is_an_address()
    {
        Assert.NotNull(SeedAddress.Of("10.0.0.1", 1).Ip);
        Assert.Null(SeedAddress.Of("10", 1).Ip);
        Assert.Null(SeedAddress.Of("10.1", 1).Ip);
        Assert.Null(SeedAddress.Of("broker", 1).Ip);
    }

    [Theory]
    [InlineData("broker-headless.default.svc.cluster.local", true)]
    [InlineData("_cluster._tcp.broker-headless.default.svc.cluster.local.", true)]
    [InlineData("localhost", true)]
    [InlineData("", false)]
    [InlineData("two..dots", false)]
    [InlineData("with space.example", false)]
    [InlineData("host:53", false)]
    public void Host_names_are_dns_labels(string name, bool valid) => Assert.Equal(valid, HostName.IsValid(name));

    [Fact]
    public void A_label_longer_than_63_characters_is_no_host_name() =>
        Assert.False(HostName.IsValid(new string('a', 64) + ".example"));

    [Theory]
    [InlineData("10.96.0.10", "10.96.0.10", 53)]
    [InlineData("10.96.0.10:5353", "10.96.0.10", 5353)]
    [InlineData("kube-dns.kube-system.svc.cluster.local:53", "kube-dns.kube-system.svc.cluster.local", 53)]
    [InlineData("[fd00::10]:5353", "fd00::10", 5353)]
    [InlineData("fd00::10", "fd00::10", 53)]
    public void A_name_server_is_host_and_an_optional_port(string text, string host, int port)
    {
        Assert.True(NameServerAddress.TryParse(text, out var parsedHost, out var parsedPort));
        Assert.Equal((host, port), (parsedHost, parsedPort));
    }

    [Theory]
    [InlineData("")]
    [InlineData("10.96.0.10:")]
    [InlineData("10.96.0.10:0")]
    [InlineData("10.96.0.10:65536")]
    [InlineData("10.96.0.10:dns")]
    [InlineData("[fd00::10]53")]
    [InlineData("[not-v6]:53")]
    [InlineData("a b:53")]
    public void Anything_else_is_no_name_server(string text) => Assert.False(NameServerAddress.TryParse(text, out _, out _));
}
