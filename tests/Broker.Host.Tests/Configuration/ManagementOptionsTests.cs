using Broker.Host.Options;

namespace Broker.Host.Tests.Configuration;

public sealed class ManagementOptionsTests : IDisposable
{
    private readonly ConfigFiles _files = new();

    public void Dispose() => _files.Dispose();

    private static string Error(Action<BrokerOptions> change) => OptionsErrors.Single(change);

    [Fact]
    public void The_endpoint_runs_on_loopback_at_akka_managements_port_by_default()
    {
        var http = _files.Load("").Options.Management.Http;

        Assert.Equal((true, "127.0.0.1", 8558), (http.Enable, http.Bind, http.Port));
    }

    [Fact]
    public void Environment_variables_set_the_endpoint()
    {
        var result = _files.Load("", new Dictionary<string, string>
        {
            ["BROKER_MANAGEMENT__HTTP__BIND"] = "0.0.0.0",
            ["BROKER_MANAGEMENT__HTTP__PORT"] = "18558",
        });

        Assert.Empty(result.Errors);
        Assert.Equal(("0.0.0.0", 18558), (result.Options.Management.Http.Bind, result.Options.Management.Http.Port));
    }

    [Fact]
    public void The_port_is_0_to_65535() =>
        Assert.Equal("management.http.port: must be between 0 and 65535, got 70000", Error(o => o.Management.Http.Port = 70000));

    [Fact]
    public void The_bind_is_an_ip_address() =>
        Assert.Equal(
            "management.http.bind: must be an IP address such as 127.0.0.1 or 0.0.0.0, got \"localhost\"",
            Error(o => o.Management.Http.Bind = "localhost"));

    [Theory]
    [InlineData("18083", "0.0.0.0:18083")]
    [InlineData("127.0.0.1:0", "127.0.0.1:0")]
    [InlineData("[::1]:18084", "[::1]:18084")]
    public void The_dashboard_bind_is_a_port_or_ip_and_port(string bind, string endPoint)
    {
        var options = new Broker.Host.Options.DashboardHttpOptions { Bind = bind };
        Assert.Equal(endPoint, options.EndPoint()!.ToString());
    }

    [Theory]
    [InlineData("localhost:18083")]
    [InlineData("10.0.0.1")]
    [InlineData("70000")]
    public void A_dashboard_bind_that_names_no_address_is_an_error(string bind) =>
        Assert.StartsWith("dashboard.listeners.http.bind: must be a port (18083) or ip:port", Error(o => o.Dashboard.Listeners.Http.Bind = bind), StringComparison.Ordinal);

    [Fact]
    public void A_token_lifetime_under_a_second_is_an_error() =>
        Assert.Equal("dashboard.token_expired_time: must be at least 1s, got 0s", Error(o => o.Dashboard.TokenExpiredTime = default));

    [Fact]
    public void Manual_discovery_needs_a_fixed_cluster_port() =>
        Assert.StartsWith(
            "cluster.port: must be a fixed port (1..65535) when cluster.discovery_strategy is manual",
            Error(o => o.Cluster.Port = 0),
            StringComparison.Ordinal);

    [Fact]
    public void Static_discovery_may_take_any_free_cluster_port() =>
        Assert.Empty(BrokerOptionsValidator.Validate(new BrokerOptions
        {
            Cluster = { DiscoveryStrategy = DiscoveryStrategy.Static, Port = 0, Static = { Seeds = ["127.0.0.1:4370"] } },
        }));
}
