using System.Net;
using Broker.Cluster.Discovery;

namespace Broker.Cluster.Tests.Discovery;

public sealed class SeedOrderTests
{
    private static SeedAddress Seed(string host, int port = 4370) => SeedAddress.Of(host, port);

    [Fact]
    public void Addresses_sort_by_value_not_by_text() =>
        Assert.Equal(
            ["9.0.0.1:4370", "10.0.0.9:4370", "10.0.0.10:4370", "10.0.1.0:4370"],
            SeedOrder.Sort([Seed("10.0.0.10"), Seed("10.0.1.0"), Seed("9.0.0.1"), Seed("10.0.0.9")]).Select(s => s.ToString()));

    [Fact]
    public void Ipv4_comes_before_ipv6_before_names_and_equal_hosts_go_by_port() =>
        Assert.Equal(
            ["10.0.0.1:4370", "10.0.0.1:4371", "[::1]:4370", "[fd00::2]:4370", "broker-0.svc:4370", "broker-1.svc:4369"],
            SeedOrder.Sort([Seed("broker-1.svc", 4369), Seed("fd00::2"), Seed("10.0.0.1", 4371), Seed("Broker-0.SVC."), Seed("::1"), Seed("10.0.0.1")])
                .Select(s => s.ToString()));

    [Fact]
    public void Every_order_of_the_same_answer_sorts_to_the_same_list()
    {
        SeedAddress[] answer = [Seed("10.0.0.3"), Seed("10.0.0.12"), Seed("localhost", 5000), Seed("localhost", 4999), Seed("fd00::1")];
        var expected = SeedOrder.Sort(answer);

        foreach (var permutation in Permutations(answer))
        {
            Assert.Equal(expected, SeedOrder.Sort(permutation));
        }

        Assert.Equal(Seed("10.0.0.3"), expected[0]);
    }

    [Fact]
    public void A_node_named_twice_is_one_seed() =>
        Assert.Equal(
            ["10.0.0.1:4370", "broker-0.svc:4370"],
            SeedOrder.Sort([Seed("broker-0.svc."), Seed("BROKER-0.svc"), SeedAddress.Of(IPAddress.Parse("10.0.0.1"), 4370), Seed("10.0.0.1")])
                .Select(s => s.ToString()));

    private static IEnumerable<SeedAddress[]> Permutations(SeedAddress[] items) =>
        items.Length <= 1
            ? [items]
            : items.SelectMany((item, i) => Permutations([.. items[..i], .. items[(i + 1)..]]).Select(rest => (SeedAddress[])[item, .. rest]));
}
