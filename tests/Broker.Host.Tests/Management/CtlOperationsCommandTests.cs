using System.Globalization;
using Broker.Host.Commands;
using Broker.Host.Tests.EndToEnd.Support;
using Broker.Mqtt;
using Broker.Mqtt.Packets;

namespace Broker.Host.Tests.Management;

/// <summary>
/// <c>broker ctl status | clients | subscriptions | topics | retainer | trace | metrics | stats | alarms</c> in process,
/// against a node's management endpoint over real HTTP, with real MQTT clients connected to the node.
/// </summary>
public sealed class CtlOperationsCommandTests : IDisposable
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

    private string[] Lines() => _output.ToString().Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);

    [Fact]
    public async Task Status_says_the_node_is_started_with_its_version_and_uptime()
    {
        await using var node = await ManagedNode.StartAsync("ctl-status");

        Assert.Equal(ExitCodes.Success, await Ctl(node, "status"));

        var lines = Lines();
        Assert.Equal(2, lines.Length);
        Assert.StartsWith($"Node {node.Runtime.NodeName} ", lines[0], StringComparison.Ordinal);
        Assert.EndsWith(" is started", lines[0], StringComparison.Ordinal);
        Assert.Matches(@"^uptime\s+: (\d+ (days|hours|minutes|seconds)(, )?)+$", lines[1]);
    }

    [Fact]
    public async Task Clients_are_listed_shown_and_kicked_and_a_wrong_client_id_gives_the_apis_error()
    {
        await using var node = await ManagedNode.StartAsync("ctl-clients");
        var press = await node.ConnectAsync("plant/line 1+press#7", "alice");
        await node.ConnectAsync("other");

        Assert.Equal(ExitCodes.Success, await Ctl(node, "clients", "list"));
        var lines = Lines();
        Assert.Equal(2, lines.Length);
        var line = Assert.Single(lines, l => l.StartsWith("Client(plant/line 1+press#7, username=alice, peername=127.0.0.1:", StringComparison.Ordinal));
        Assert.Contains(", clean_start=true, ", line, StringComparison.Ordinal);
        Assert.Contains(", connected=true, ", line, StringComparison.Ordinal);
        Assert.Contains(lines, l => l.StartsWith("Client(other, username=undefined, ", StringComparison.Ordinal));

        Assert.Equal(ExitCodes.Success, await Ctl(node, "clients", "show", "plant/line 1+press#7"));
        Assert.StartsWith("Client(plant/line 1+press#7, username=alice, ", _output.ToString(), StringComparison.Ordinal);

        Assert.Equal(ExitCodes.Success, await Ctl(node, "clients", "kick", "plant/line 1+press#7"));
        Assert.Equal("ok", _output.ToString().Trim());
        Assert.Equal(ReasonCode.AdministrativeAction, (await press.ReceiveAsync<DisconnectPacket>()).ReasonCode);
        Assert.Equal(ExitCodes.Success, await Ctl(node, "clients", "list"));
        Assert.Single(Lines());

        foreach (var args in new[] { new[] { "clients", "show", "plant/line 1+press#7" }, ["clients", "kick", "nobody"], ["subscriptions", "show", "nobody"] })
        {
            Assert.Equal(ExitCodes.Refused, await Ctl(node, args));
            Assert.Contains("refused (404 NotFound): CLIENTID_NOT_FOUND: Client ID not found", _error.ToString(), StringComparison.Ordinal);
            Assert.Equal("", _output.ToString());
        }
    }

    [Fact]
    public async Task A_subscription_added_from_the_command_line_delivers_and_is_listed_with_its_route_until_deleted()
    {
        await using var node = await ManagedNode.StartAsync("ctl-subscriptions");
        var subscriber = await node.ConnectAsync("hmi-3");
        var publisher = await node.ConnectAsync("plc-3");
        Assert.Equal(ExitCodes.Success, await Ctl(node, "subscriptions", "list"));
        Assert.Equal("No subscriptions.", _output.ToString().Trim());

        Assert.Equal(ExitCodes.Success, await Ctl(node, "subscriptions", "add", "hmi-3", "line3/+/state", "1"));
        Assert.Equal("ok", _output.ToString().Trim());
        await publisher.PublishAcknowledgedAsync("line3/press/state", "running");
        var delivered = await subscriber.ReceivePublishAsync("running");
        Assert.Equal(QualityOfService.AtLeastOnce, delivered.QoS);

        Assert.Equal(ExitCodes.Success, await Ctl(node, "subscriptions", "list"));
        Assert.Equal(["hmi-3 -> topic:line3/+/state qos:1 nl:0 rh:0 rap:0"], Lines());
        Assert.Equal(ExitCodes.Success, await Ctl(node, "subscriptions", "show", "hmi-3"));
        Assert.Equal(["hmi-3 -> topic:line3/+/state qos:1 nl:0 rh:0 rap:0"], Lines());
        await Eventually.True(async () => await Ctl(node, "topics", "list") == ExitCodes.Success && Lines().SequenceEqual([$"line3/+/state -> {node.Runtime.NodeName}"]), "topics list shows the route");
        Assert.Equal(ExitCodes.Success, await Ctl(node, "topics", "show", "line3/+/state"));
        Assert.Equal([$"line3/+/state -> {node.Runtime.NodeName}"], Lines());

        Assert.Equal(ExitCodes.Success, await Ctl(node, "subscriptions", "del", "hmi-3", "line3/+/state"));
        Assert.Equal(ExitCodes.Success, await Ctl(node, "subscriptions", "show", "hmi-3"));
        Assert.Equal("No subscriptions.", _output.ToString().Trim());
        await publisher.PublishAcknowledgedAsync("line3/press/state", "stopped");
        await subscriber.ExpectNothingAsync();
        await Eventually.True(async () => await Ctl(node, "topics", "list") == ExitCodes.Success && _output.ToString().Trim() == "No topics.", "the route is gone");
        Assert.Equal(ExitCodes.Refused, await Ctl(node, "topics", "show", "line3/+/state"));
        Assert.Contains("TOPIC_NOT_FOUND", _error.ToString(), StringComparison.Ordinal);

        Assert.Equal(ExitCodes.Refused, await Ctl(node, "subscriptions", "add", "hmi-3", "line3/#/bad", "0"));
        Assert.Contains("refused (400 BadRequest): INVALID_PARAMETER: ", _error.ToString(), StringComparison.Ordinal);
        Assert.Equal(ExitCodes.InvalidConfiguration, await Ctl(node, "subscriptions", "add", "hmi-3", "line3/x", "3"));
        Assert.Contains("QoS should be 0, 1, 2", _error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Retainer_counts_lists_and_cleans_retained_messages_by_filter_then_all()
    {
        await using var node = await ManagedNode.StartAsync("ctl-retainer");
        var publisher = await node.ConnectAsync("plc-4");
        foreach (var topic in new[] { "line4/oven 1/temp", "line4/oven-2/temp", "line5/mixer/state" })
            await publisher.PublishAcknowledgedAsync(topic, "v", retain: true);

        // The node's own $SYS messages (version, sysdescr, brokers) are retained too; listed, but kept by clean.
        Assert.Equal(ExitCodes.Success, await Ctl(node, "retainer", "topics"));
        var sys = Lines().Count(l => l.StartsWith("$SYS/", StringComparison.Ordinal));
        Assert.Equal([$"Number of retained messages: {3 + sys}", "line4/oven 1/temp", "line4/oven-2/temp", "line5/mixer/state"], Lines().Where(l => !l.StartsWith('$')));
        Assert.Equal(ExitCodes.Success, await Ctl(node, "retainer", "info"));
        Assert.Equal($"Number of retained messages: {3 + sys}", _output.ToString().Trim());

        Assert.Equal(ExitCodes.Success, await Ctl(node, "retainer", "clean", "line4/+/temp"));
        Assert.Equal("2 retained messages deleted", _output.ToString().Trim());
        Assert.Equal(ExitCodes.Success, await Ctl(node, "retainer", "topics"));
        Assert.Equal([$"Number of retained messages: {1 + sys}", "line5/mixer/state"], Lines().Where(l => !l.StartsWith('$')));

        await publisher.PublishAcknowledgedAsync("line6/x", "v", retain: true);
        Assert.Equal(ExitCodes.Success, await Ctl(node, "retainer", "clean"));
        Assert.StartsWith("2 retained messages deleted", _output.ToString(), StringComparison.Ordinal);
        Assert.Equal(ExitCodes.Success, await Ctl(node, "retainer", "info"));
        Assert.Equal($"Number of retained messages: {sys}", _output.ToString().Trim());
        var late = await node.ConnectAsync("hmi-late");
        await late.SubscribeAsync("#");
        await late.ExpectNothingAsync();

        Assert.Equal(ExitCodes.Refused, await Ctl(node, "retainer", "clean", "line4/#/bad"));
        Assert.Contains("400", _error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_trace_started_from_the_command_line_logs_the_client_and_is_listed_stopped_and_deleted()
    {
        await using var node = await ManagedNode.StartAsync("ctl-trace");
        Assert.Equal(ExitCodes.Success, await Ctl(node, "trace", "list"));
        Assert.Equal("Trace is empty", _output.ToString().Trim());

        var file = Path.Combine(node.DataDir, "press-9.log");
        Assert.Equal(ExitCodes.Success, await Ctl(node, "trace", "start", "client", "press-9", file, "--duration", "5m"));
        var started = Lines();
        Assert.StartsWith("trace clientid press-9 CLI-press-9 successfully, until ", started[0], StringComparison.Ordinal);
        Assert.Contains($"not in {file}: GET /api/v5/trace/CLI-press-9/download", started[1], StringComparison.Ordinal);
        Assert.False(File.Exists(file));
        Assert.Equal(ExitCodes.Success, await Ctl(node, "trace", "start", "topic", "line3/+/cmd", "--name", "line3-cmd"));

        var traced = await node.ConnectAsync("press-9");
        await traced.PublishAcknowledgedAsync("line3/press-9/state", "cycle-start");
        await Eventually.True(async () => await Ctl(node, "trace", "list") == ExitCodes.Success
            && Lines().Any(l => l.StartsWith("Trace(CLI-press-9: clientid=press-9, running, LogSize: ", StringComparison.Ordinal) && !l.EndsWith("=0)", StringComparison.Ordinal)),
            "the client's trace logged something");
        Assert.Contains($"Trace(line3-cmd: topic=line3/+/cmd, running, LogSize: {node.Runtime.NodeName}=", _output.ToString(), StringComparison.Ordinal);

        Assert.Equal(ExitCodes.Success, await Ctl(node, "trace", "stop", "CLI-press-9"));
        Assert.Equal("Stop trace CLI-press-9 successfully", _output.ToString().Trim());
        Assert.Equal(ExitCodes.Success, await Ctl(node, "trace", "list"));
        Assert.Contains(Lines(), l => l.StartsWith("Trace(CLI-press-9: clientid=press-9, stopped, ", StringComparison.Ordinal));
        Assert.Equal(ExitCodes.Success, await Ctl(node, "trace", "del", "CLI-press-9"));
        Assert.Equal(ExitCodes.Success, await Ctl(node, "trace", "list"));
        Assert.DoesNotContain("CLI-press-9", _output.ToString(), StringComparison.Ordinal);

        Assert.Equal(ExitCodes.Refused, await Ctl(node, "trace", "stop", "CLI-press-9"));
        Assert.Contains("refused (404 NotFound): NOT_FOUND: ", _error.ToString(), StringComparison.Ordinal);
        Assert.Equal(ExitCodes.Refused, await Ctl(node, "trace", "start", "topic", "line3/+/cmd", "--name", "line3-cmd"));
        Assert.Contains("ALREADY_EXISTS", _error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Metrics_and_stats_print_name_value_lines_that_move_with_traffic()
    {
        await using var node = await ManagedNode.StartAsync("ctl-numbers");
        Assert.Equal(ExitCodes.Success, await Ctl(node, "metrics"));
        var before = Numbers();
        Assert.All(Lines(), l => Assert.Matches(@"^\S+\s*: -?\d+$", l));

        var subscriber = await node.ConnectAsync("hmi-5");
        await subscriber.SubscribeAsync("line5/#");
        var publisher = await node.ConnectAsync("plc-5");
        for (var i = 0; i < 3; i++)
            await publisher.PublishAcknowledgedAsync("line5/mixer/state", $"m{i}");
        for (var i = 0; i < 3; i++)
            await subscriber.ReceivePublishAsync($"m{i}");

        await Eventually.True(async () => await Ctl(node, "metrics") == ExitCodes.Success
            && Numbers() is var after && after["messages.received"] >= before["messages.received"] + 3 && after["messages.sent"] >= before["messages.sent"] + 3,
            "metrics count the messages");
        await Eventually.True(async () => await Ctl(node, "stats") == ExitCodes.Success
            && Numbers() is var stats && stats["connections.count"] == 2 && stats["topics.count"] >= 1,
            "stats count the connections and the route");
        Assert.Equal(Numbers().Keys.Order(StringComparer.Ordinal), Numbers().Keys);
    }

    [Fact]
    public async Task Alarms_list_says_when_there_are_none()
    {
        await using var node = await ManagedNode.StartAsync("ctl-alarms");
        Assert.Equal(ExitCodes.Success, await Ctl(node, "alarms", "list"));
        Assert.Equal("No active alarms.", _output.ToString().Trim());
        Assert.Equal(ExitCodes.Success, await Ctl(node, "alarms", "list", "--all"));
        Assert.Equal("No alarms.", _output.ToString().Trim());
    }

    [Theory]
    [InlineData("clients")]
    [InlineData("clients", "shw", "c1")]
    [InlineData("clients", "show")]
    [InlineData("subscriptions", "add", "c1", "t")]
    [InlineData("trace", "start", "username", "u1")]
    [InlineData("trace", "start", "client", "c1", "--duration", "soon")]
    [InlineData("retainer", "purge")]
    [InlineData("alarms", "clear")]
    public async Task Wrong_command_lines_print_the_usage_and_exit_2(params string[] args)
    {
        // Refused before any request: no node is needed behind the endpoint.
        Assert.Equal(ExitCodes.InvalidConfiguration, await BrokerCommands.RunAsync(["ctl", .. args, "--management", "127.0.0.1:1"], _output, _error, new Dictionary<string, string>()));
        Assert.Contains("broker ctl clients kick <clientid>", _error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Help_lists_every_command()
    {
        _output.GetStringBuilder().Clear();
        Assert.Equal(ExitCodes.Success, await BrokerCommands.RunAsync(["ctl", "help"], _output, _error, new Dictionary<string, string>()));
        foreach (var command in new[] { "status", "clients list", "subscriptions add", "topics show", "retainer clean", "trace start", "metrics", "stats", "alarms list", "cluster join", "users add", "banned add", "admins add", "api_key add" })
            Assert.Contains($"broker ctl {command}", _output.ToString(), StringComparison.Ordinal);
    }

    private Dictionary<string, long> Numbers() =>
        Lines().Select(l => l.Split(':', 2)).ToDictionary(p => p[0].Trim(), p => long.Parse(p[1].Trim(), CultureInfo.InvariantCulture));
}
