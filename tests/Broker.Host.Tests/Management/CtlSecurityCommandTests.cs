using System.Net;
using System.Net.Http.Json;
using Broker.Host.Commands;
using Broker.Host.Options;
using Broker.Mqtt;

namespace Broker.Host.Tests.Management;

/// <summary><c>broker ctl users</c> and <c>broker ctl banned</c> in process, against a node's management endpoint over real HTTP.</summary>
public sealed class CtlSecurityCommandTests : IDisposable
{
    private readonly StringWriter _output = new();
    private readonly StringWriter _error = new();

    public void Dispose()
    {
        _output.Dispose();
        _error.Dispose();
    }

    private async Task<int> Ctl(ManagedNode node, params string[] args)
    {
        _output.GetStringBuilder().Clear();
        _error.GetStringBuilder().Clear();
        return await BrokerCommands.RunAsync(["ctl", .. args, "--management", node.Management.EndPoint!.ToString(), $"--node.data_dir={node.DataDir}"], _output, _error, new Dictionary<string, string>());
    }

    private static void BuiltInDatabase(BrokerOptions options) =>
        options.Authentication = [new AuthenticatorOptions { PasswordHashAlgorithm = { Iterations = 64 } }];

    [Fact]
    public async Task Users_added_listed_changed_and_deleted_from_the_command_line_log_in_accordingly()
    {
        await using var node = await ManagedNode.StartAsync("ctl-users", configure: BuiltInDatabase);

        Assert.Equal(ExitCodes.Success, await Ctl(node, "users", "add", "mes", "pw-mes", "--superuser"));
        Assert.Equal("user mes added (super user)", _output.ToString().Trim());
        Assert.Equal(ExitCodes.Success, await Ctl(node, "users", "add", "plant/line1", "pw-1"));
        Assert.Equal(ReasonCode.Success, (await node.LoginAsync("c1", "plant/line1", "pw-1")).ReasonCode);

        Assert.Equal(ExitCodes.Refused, await Ctl(node, "users", "add", "mes", "again"));
        Assert.Contains("409", _error.ToString(), StringComparison.Ordinal);

        Assert.Equal(ExitCodes.Success, await Ctl(node, "users", "list"));
        var lines = _output.ToString().Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(["user_id      superuser", "mes          yes", "plant/line1  no"], lines);

        Assert.Equal(ExitCodes.Success, await Ctl(node, "users", "passwd", "plant/line1", "pw-2", "--superuser"));
        Assert.Equal(ExitCodes.Success, await Ctl(node, "users", "show", "plant/line1"));
        Assert.Equal("plant/line1  superuser: yes", _output.ToString().Trim());
        Assert.Equal(ReasonCode.BadUserNameOrPassword, (await node.LoginAsync("c1", "plant/line1", "pw-1")).ReasonCode);

        Assert.Equal(ExitCodes.Success, await Ctl(node, "users", "del", "plant/line1"));
        Assert.Equal(ExitCodes.Refused, await Ctl(node, "users", "show", "plant/line1"));
        Assert.Contains("no user plant/line1", _error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Bans_from_the_command_line_refuse_the_client_until_deleted_and_bad_ones_are_refused()
    {
        await using var node = await ManagedNode.StartAsync("ctl-banned");

        Assert.Equal(ExitCodes.Success, await Ctl(node, "banned", "add", "clientid", "press-7", "--reason", "firmware loop", "--for", "1h"));
        Assert.StartsWith("clientid press-7 banned until ", _output.ToString(), StringComparison.Ordinal);
        Assert.Equal(ExitCodes.Success, await Ctl(node, "banned", "add", "peerhost_net", "10.20.0.0/16"));
        Assert.Equal(ReasonCode.Banned, (await node.LoginAsync("press-7", "any", "any")).ReasonCode);

        Assert.Equal(ExitCodes.Success, await Ctl(node, "banned", "list"));
        Assert.Contains(_output.ToString().Split('\n'), l => l.StartsWith("clientid      press-7", StringComparison.Ordinal) && l.EndsWith("firmware loop", StringComparison.Ordinal));
        Assert.Contains(_output.ToString().Split('\n'), l => l.StartsWith("peerhost_net  10.20.0.0/16", StringComparison.Ordinal) && l.Contains("never", StringComparison.Ordinal));

        Assert.Equal(ExitCodes.Refused, await Ctl(node, "banned", "add", "username_re", "([bad"));
        Assert.Contains("not a regular expression", _error.ToString(), StringComparison.Ordinal);
        Assert.Equal(ExitCodes.InvalidConfiguration, await Ctl(node, "banned", "add", "hostname", "x"));
        Assert.Equal(ExitCodes.InvalidConfiguration, await Ctl(node, "banned", "add", "clientid", "x", "--for", "soon"));

        Assert.Equal(ExitCodes.Success, await Ctl(node, "banned", "del", "clientid", "press-7"));
        Assert.Equal(ReasonCode.Success, (await node.LoginAsync("press-7", "any", "any")).ReasonCode);
        Assert.Equal(ExitCodes.Refused, await Ctl(node, "banned", "del", "clientid", "press-7"));
    }

    [Fact]
    public async Task Admins_and_api_keys_are_managed_with_the_nodes_own_credential_and_nothing_passes_without_one()
    {
        await using var node = await ManagedNode.StartAsync("ctl-admins");
        using var dashboard = ManagedNode.Anonymous(node.Dashboard.EndPoint!);

        Assert.Equal(ExitCodes.Success, await Ctl(node, "admins", "passwd", "admin", "n3w-admin-pw"));
        Assert.Equal(HttpStatusCode.Unauthorized, (await Login(dashboard, "admin", "public")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await Login(dashboard, "admin", "n3w-admin-pw")).StatusCode);
        Assert.Equal(ExitCodes.Success, await Ctl(node, "admins", "add", "night-shift", "pw-night", "--role", "viewer"));
        Assert.Equal(HttpStatusCode.OK, (await Login(dashboard, "night-shift", "pw-night")).StatusCode);
        Assert.Equal(ExitCodes.Success, await Ctl(node, "admins", "del", "night-shift"));
        Assert.Equal(HttpStatusCode.Unauthorized, (await Login(dashboard, "night-shift", "pw-night")).StatusCode);
        Assert.Equal(ExitCodes.InvalidConfiguration, await Ctl(node, "admins", "add", "x", "y", "--role", "root"));

        Assert.Equal(ExitCodes.Success, await Ctl(node, "api_key", "add", "grafana", "--role", "viewer", "--desc", "dashboards"));
        var lines = _output.ToString().Split('\n', StringSplitOptions.TrimEntries);
        var key = lines.Single(l => l.StartsWith("api_key:", StringComparison.Ordinal))["api_key:".Length..].Trim();
        var secret = lines.Single(l => l.StartsWith("api_secret:", StringComparison.Ordinal))["api_secret:".Length..].Trim();
        Assert.Equal(ExitCodes.Success, await Ctl(node, "api_key", "list"));
        Assert.Contains(_output.ToString().Split('\n'), l => l.StartsWith("grafana", StringComparison.Ordinal) && l.Contains(key, StringComparison.Ordinal) && l.Contains("viewer", StringComparison.Ordinal));
        // The key made by ctl is a credential of its own, on the dashboard listener too.
        Assert.Equal(ExitCodes.Success, await BrokerCommands.RunAsync(
            ["ctl", "banned", "list", "--management", node.Dashboard.EndPoint!.ToString(), "--api-key", $"{key}:{secret}"], _output, _error, new Dictionary<string, string>()));
        Assert.Equal(ExitCodes.Success, await Ctl(node, "api_key", "del", "grafana"));

        _error.GetStringBuilder().Clear();
        var empty = Directory.CreateTempSubdirectory("ctl-no-credential-").FullName;
        try
        {
            Assert.Equal(ExitCodes.Refused, await BrokerCommands.RunAsync(
                ["ctl", "banned", "list", "--management", node.Management.EndPoint!.ToString(), $"--node.data_dir={empty}"], _output, _error, new Dictionary<string, string>()));
            Assert.Contains("no credential found", _error.ToString(), StringComparison.Ordinal);
            _error.GetStringBuilder().Clear();
            Assert.Equal(ExitCodes.Refused, await BrokerCommands.RunAsync(
                ["ctl", "banned", "list", "--management", node.Management.EndPoint!.ToString()], _output, _error,
                new Dictionary<string, string> { ["BROKER_CTL_API_KEY"] = "broker_ctl:not-the-secret" }));
            Assert.Contains("Check api_key/api_secret (the credential from BROKER_CTL_API_KEY was refused)", _error.ToString(), StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(empty, recursive: true);
        }
    }

    private static async Task<HttpResponseMessage> Login(HttpClient http, string username, string password) =>
        await http.PostAsJsonAsync("/api/v5/login", new { username, password });
}
