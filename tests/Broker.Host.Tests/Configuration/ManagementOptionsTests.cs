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
