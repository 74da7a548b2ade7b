using System.IO.Compression;
using System.Net;
using System.Text.Json;
using Broker.Host.Configuration;
using Broker.Host.Management;
using Broker.Mqtt;

namespace Broker.Host.Tests.Management;

/// <summary>
/// Traces and configuration changes on a two-node cluster, asked of one node, as EMQX applies them to all: a trace made
/// on A follows a client of B and downloads both nodes' logs, stop and delete reach B; a configuration change made on A
/// holds at B's next CONNECT and is kept in B's data dir.
/// </summary>
public sealed class ClusterOperationsTests
{
    [Fact]
    public async Task A_trace_made_on_one_node_follows_the_clients_of_the_other_until_stopped_and_deleted_everywhere()
    {
        await using var a = await ManagedNode.StartAsync("api-cluster-trace");
        await using var b = await ManagedNode.StartAsync("api-cluster-trace");
        Assert.Equal(HttpStatusCode.OK, (await b.SendJsonAsync(HttpMethod.Post, "/api/v5/trace", new { name = "early", type = "clientid", clientid = "b-only" })).Status);
        await JoinAsync(a, b);

        // B has one of that name already: made on every node or on none, so A's copy goes again.
        var (clash, clashError) = await a.SendJsonAsync(HttpMethod.Post, "/api/v5/trace", new { name = "early", type = "clientid", clientid = "a-too" });
        Assert.Equal(HttpStatusCode.Conflict, clash);
        Assert.Equal("ALREADY_EXISTS", clashError.GetProperty("code").GetString());
        Assert.Null(a.Runtime.Tracing.Find("early"));
        Assert.Equal(HttpStatusCode.NoContent, (await a.SendJsonAsync(HttpMethod.Delete, "/api/v5/trace/early")).Status);

        var (created, trace) = await a.SendJsonAsync(HttpMethod.Post, "/api/v5/trace", new { name = "line7", type = "topic", topic = "line7/#" });
        Assert.True(created == HttpStatusCode.OK, trace.ToString());
        Assert.Equal(new[] { a.Runtime.NodeName, b.Runtime.NodeName }.Order(StringComparer.Ordinal), LogSizes(trace).Keys.Order(StringComparer.Ordinal));
        var onB = Assert.Single((await b.GetAsync("/api/v5/trace")).Body.EnumerateArray());
        Assert.Equal(trace.GetProperty("end_at").GetDateTimeOffset(), onB.GetProperty("end_at").GetDateTimeOffset());

        var pressOnB = await b.ConnectAsync("press-7");
        var pressOnA = await a.ConnectAsync("press-8");
        await pressOnB.PublishAcknowledgedAsync("line7/press-7/state", "from-b");
        await pressOnA.PublishAcknowledgedAsync("line7/press-8/state", "from-a");

        var (listed, traces) = await a.GetAsync("/api/v5/trace");
        Assert.Equal(HttpStatusCode.OK, listed);
        var sizes = LogSizes(Assert.Single(traces.EnumerateArray()));
        Assert.True(sizes[a.Runtime.NodeName] > 0 && sizes[b.Runtime.NodeName] > 0, traces.ToString());

        var (read, part) = await a.GetAsync($"/api/v5/trace/line7/log?node={Uri.EscapeDataString(b.Runtime.NodeName)}&bytes=100000");
        Assert.True(read == HttpStatusCode.OK, part.ToString());
        Assert.Contains("Payload=from-b", part.GetProperty("items").GetString(), StringComparison.Ordinal);
        Assert.DoesNotContain("from-a", part.GetProperty("items").GetString(), StringComparison.Ordinal);
        Assert.Equal("NODE_ERROR", (await a.GetAsync("/api/v5/trace/line7/log?node=nobody@nowhere")).Body.GetProperty("code").GetString());

        var (stopped, stoppedTrace) = await a.SendJsonAsync(HttpMethod.Put, "/api/v5/trace/line7/stop");
        Assert.Equal(HttpStatusCode.OK, stopped);
        Assert.Equal("stopped", stoppedTrace.GetProperty("status").GetString());
        Assert.Equal("stopped", (await b.GetAsync("/api/v5/trace")).Body[0].GetProperty("status").GetString());
        await pressOnB.PublishAcknowledgedAsync("line7/press-7/state", "after-stop");

        var logs = await DownloadAsync(a, "line7");
        Assert.Equal(new[] { $"{a.Runtime.NodeName}-trace_line7.log", $"{b.Runtime.NodeName}-trace_line7.log" }.Order(StringComparer.Ordinal), logs.Keys.Order(StringComparer.Ordinal));
        Assert.Contains("Payload=from-a", logs[$"{a.Runtime.NodeName}-trace_line7.log"], StringComparison.Ordinal);
        Assert.Contains("Payload=from-b", logs[$"{b.Runtime.NodeName}-trace_line7.log"], StringComparison.Ordinal);
        Assert.DoesNotContain("after-stop", logs[$"{b.Runtime.NodeName}-trace_line7.log"], StringComparison.Ordinal);

        var (duplicate, error) = await b.SendJsonAsync(HttpMethod.Post, "/api/v5/trace", new { name = "line7", type = "clientid", clientid = "x" });
        Assert.Equal(HttpStatusCode.Conflict, duplicate);
        Assert.Equal("ALREADY_EXISTS", error.GetProperty("code").GetString());

        Assert.Equal(HttpStatusCode.NoContent, (await a.SendJsonAsync(HttpMethod.Delete, "/api/v5/trace/line7")).Status);
        Assert.Equal(0, (await b.GetAsync("/api/v5/trace")).Body.GetArrayLength());
        Assert.False(File.Exists(Path.Combine(b.DataDir, "trace", "line7.log")));
        Assert.Equal(HttpStatusCode.NotFound, (await a.SendJsonAsync(HttpMethod.Delete, "/api/v5/trace/line7")).Status);
    }

    [Fact]
    public async Task A_configuration_change_made_on_one_node_holds_at_the_next_connect_on_the_other_and_is_kept_there()
    {
        await using var a = await ManagedNode.StartAsync("api-cluster-configs");
        await using var b = await ManagedNode.StartAsync("api-cluster-configs");
        await JoinAsync(a, b);
        Assert.Equal(ReasonCode.Success, (await b.LoginAsync("press-line-12-station-4a", "u", "p")).ReasonCode);

        using var request = new HttpRequestMessage(HttpMethod.Put, "/api/v5/configs/mqtt") { Content = System.Net.Http.Json.JsonContent.Create(new { max_clientid_len = 23 }) };
        using var response = await a.Http.SendAsync(request);
        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        Assert.Equal(new[] { a.Runtime.NodeName, b.Runtime.NodeName }.Order(StringComparer.Ordinal),
            response.Headers.GetValues(ConfigRoutes.AppliedNodesHeader).Single().Split(',').Order(StringComparer.Ordinal));

        Assert.Equal(ReasonCode.ClientIdentifierNotValid, (await b.LoginAsync("press-line-12-station-4a", "u", "p")).ReasonCode);
        Assert.Equal(ReasonCode.Success, (await b.LoginAsync("press-12", "u", "p")).ReasonCode);
        Assert.Equal(23, (await b.GetAsync("/api/v5/configs/mqtt")).Body.GetProperty("max_clientid_len").GetInt32());

        // What B starts with next: its data dir's cluster.conf over the file, as `broker run` loads it.
        var withFile = BrokerConfiguration.Load([$"--node.data_dir={b.DataDir}", $"--config={WriteConf(b.DataDir)}"], null, new Dictionary<string, string>());
        Assert.True(withFile.IsValid, string.Join("\n", withFile.Errors));
        Assert.Equal(23, withFile.Options.Mqtt.MaxClientIdLen);

        var (refused, error) = await a.SendJsonAsync(HttpMethod.Put, "/api/v5/configs/mqtt", new { max_inflight = 5 });
        Assert.Equal(HttpStatusCode.BadRequest, refused);
        Assert.Contains("mqtt.max_inflight", error.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.DoesNotContain("max_inflight", await File.ReadAllTextAsync(ClusterConfigFile.PathIn(b.DataDir)), StringComparison.Ordinal);
    }

    private static string WriteConf(string directory)
    {
        var path = Path.Combine(directory, "broker.conf");
        File.WriteAllText(path, "mqtt.max_clientid_len = 100\n");
        return path;
    }

    private static async Task JoinAsync(ManagedNode a, ManagedNode b)
    {
        await a.JoinAsync(a.ClusterEndpoint);
        await b.JoinAsync(a.ClusterEndpoint);
        await Eventually.True(async () => (await a.MemberStatusesAsync()).Values.Count(s => s == "Up") == 2, "A sees both nodes Up");
        await Eventually.True(async () => (await b.MemberStatusesAsync()).Values.Count(s => s == "Up") == 2, "B sees both nodes Up");
    }

    private static Dictionary<string, long> LogSizes(JsonElement trace) =>
        trace.GetProperty("log_size").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetInt64());

    private static async Task<Dictionary<string, string>> DownloadAsync(ManagedNode node, string name)
    {
        using var response = await node.Http.GetAsync($"/api/v5/trace/{name}/download");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await using var zip = new ZipArchive(await response.Content.ReadAsStreamAsync(), ZipArchiveMode.Read);
        var logs = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var entry in zip.Entries)
        {
            using var reader = new StreamReader(entry.Open());
            logs[entry.FullName] = await reader.ReadToEndAsync();
        }

        return logs;
    }
}
