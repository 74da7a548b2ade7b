using Broker.Host.Bench;

namespace Broker.Host.Tests.Bench;

public sealed class NullBrokerRoutesTests
{
    private sealed record Client(string Name);

    private static List<string> Match(NullBrokerRoutes<Client> routes, string topic)
    {
        var into = new List<Client>();
        routes.Match(topic, into);
        return [.. into.Select(c => c.Name).Order(StringComparer.Ordinal)];
    }

    [Fact]
    public void Exact_and_wildcard_filters_reach_their_subscribers_only()
    {
        var routes = new NullBrokerRoutes<Client>();
        routes.Add("bench/1", new Client("one"));
        routes.Add("bench/2", new Client("two"));
        routes.Add("bench/#", new Client("all"));
        routes.Add("bench/+/x", new Client("plus"));

        Assert.Equal(["all", "one"], Match(routes, "bench/1"));
        Assert.Equal(["all", "plus"], Match(routes, "bench/3/x"));
        Assert.Equal(["all"], Match(routes, "bench")); // [MQTT-4.7.1-2]: '#' includes the parent level
        Assert.Empty(Match(routes, "other/1"));
    }

    [Fact]
    public void Two_subscribers_of_one_filter_both_get_it_and_a_removed_one_no_longer_does()
    {
        var routes = new NullBrokerRoutes<Client>();
        var a = new Client("a");
        var b = new Client("b");
        routes.Add("t", a);
        routes.Add("t", b);
        routes.Add("#", a);
        Assert.Equal(["a", "a", "b"], Match(routes, "t"));

        routes.RemoveAll(a);
        Assert.Equal(["b"], Match(routes, "t"));
    }
}
