using System.Net;
using Broker.Mqtt;
using Microsoft.Extensions.Logging;

namespace Broker.Host.Tests.Management;

/// <summary>
/// The configuration through EMQX's API against a running node: read with its secrets masked, a key that can change at
/// run time taking effect at the next CONNECT, and a key that needs a restart or a bad value refused, named.
/// </summary>
public sealed class ConfigsApiTests
{
    [Fact]
    public async Task The_configuration_is_shown_with_its_secrets_masked()
    {
        await using var node = await ManagedNode.StartAsync("api-configs", configure: options =>
            options.Persistence.Postgresql.ConnectionString = "Host=db.plant;Username=broker;Password=s3cret-pw");

        var (status, all) = await node.GetAsync("/api/v5/configs");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("1MB", all.GetProperty("mqtt").GetProperty("max_packet_size").GetString());
        Assert.Equal(65535, all.GetProperty("mqtt").GetProperty("max_clientid_len").GetInt32());
        Assert.True(all.GetProperty("mqtt").GetProperty("retain_available").GetBoolean());
        Assert.Equal("******", all.GetProperty("persistence").GetProperty("postgresql").GetProperty("connection_string").GetString());
        Assert.DoesNotContain("s3cret", all.ToString(), StringComparison.Ordinal);
        // The first admin's password too: any viewer may read the configuration.
        Assert.Equal("******", all.GetProperty("dashboard").GetProperty("default_password").GetString());
        Assert.DoesNotContain("\"public\"", all.ToString(), StringComparison.Ordinal);

        var (one, listeners) = await node.GetAsync("/api/v5/configs/listeners");
        Assert.Equal(HttpStatusCode.OK, one);
        Assert.True(listeners.TryGetProperty("tcp", out _));
        var (missing, error) = await node.GetAsync("/api/v5/configs/nothing");
        Assert.Equal(HttpStatusCode.NotFound, missing);
        Assert.Contains("mqtt", error.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_live_key_takes_effect_at_the_next_connect_and_a_restart_only_key_is_refused_by_name()
    {
        await using var node = await ManagedNode.StartAsync("api-configs-put");
        Assert.Equal(ReasonCode.Success, (await node.LoginAsync("press-line-12-station-4a", "u", "p")).ReasonCode);

        var (changed, mqtt) = await node.SendJsonAsync(HttpMethod.Put, "/api/v5/configs/mqtt", new { max_clientid_len = 23 });
        Assert.True(changed == HttpStatusCode.OK, mqtt.ToString());
        Assert.Equal(23, mqtt.GetProperty("max_clientid_len").GetInt32());
        Assert.Equal(ReasonCode.ClientIdentifierNotValid, (await node.LoginAsync("press-line-12-station-4a", "u", "p")).ReasonCode);
        Assert.Equal(ReasonCode.Success, (await node.LoginAsync("press-12", "u", "p")).ReasonCode);

        // The whole root as GET gave it, one live key changed: the others are the same, so nothing else is asked for.
        var whole = (await node.GetAsync("/api/v5/configs/log")).Body;
        Assert.Equal(HttpStatusCode.OK, (await node.SendJsonAsync(HttpMethod.Put, "/api/v5/configs/log", new { level = "debug" })).Status);
        Assert.Equal(LogLevel.Debug, node.Runtime.LogLevelSwitch.Level);
        Assert.Equal("info", whole.GetProperty("level").GetString());

        var (refused, error) = await node.SendJsonAsync(HttpMethod.Put, "/api/v5/configs/mqtt", new { max_inflight = 5, max_clientid_len = 100 });
        Assert.Equal(HttpStatusCode.BadRequest, refused);
        Assert.Contains("mqtt.max_inflight", error.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.DoesNotContain("mqtt.max_clientid_len,", error.GetProperty("message").GetString()![..error.GetProperty("message").GetString()!.IndexOf('(')], StringComparison.Ordinal);
        Assert.Equal(23, (await node.GetAsync("/api/v5/configs/mqtt")).Body.GetProperty("max_clientid_len").GetInt32());

        var (bad, badError) = await node.SendJsonAsync(HttpMethod.Put, "/api/v5/configs/mqtt", new { max_clientid_len = "lots" });
        Assert.Equal(HttpStatusCode.BadRequest, bad);
        Assert.Contains("max_clientid_len", badError.GetProperty("message").GetString(), StringComparison.Ordinal);
        var (unknown, unknownError) = await node.SendJsonAsync(HttpMethod.Put, "/api/v5/configs/mqtt", new { max_wishes = 3 });
        Assert.Equal(HttpStatusCode.BadRequest, unknown);
        Assert.Contains("max_wishes", unknownError.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal(ReasonCode.ClientIdentifierNotValid, (await node.LoginAsync("press-line-12-station-4a", "u", "p")).ReasonCode);
    }
}
