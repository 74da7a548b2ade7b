using System.IO.Compression;
using System.Net;
using System.Text.Json;

namespace Broker.Host.Tests.Management;

/// <summary>
/// Traces through EMQX's API against a running node: a client id's packets, both ways, land in the trace's log (read
/// in parts and downloaded as a zip), nobody else's, and nothing after the trace was stopped or reached its end.
/// </summary>
public sealed class TraceApiTests
{
    [Fact]
    public async Task A_client_trace_logs_its_subscribe_and_publish_until_it_is_stopped()
    {
        await using var node = await ManagedNode.StartAsync("api-trace");
        var (created, trace) = await node.SendJsonAsync(HttpMethod.Post, "/api/v5/trace", new { name = "press-9-debug", type = "clientid", clientid = "press-9" });
        Assert.Equal(HttpStatusCode.OK, created);
        Assert.Equal("running", trace.GetProperty("status").GetString());

        var traced = await node.ConnectAsync("press-9");
        var other = await node.ConnectAsync("press-10");
        await traced.SubscribeAsync("line3/press-9/cmd");
        await traced.PublishAcknowledgedAsync("line3/press-9/state", "cycle-start");
        await other.PublishAcknowledgedAsync("line3/press-10/state", "not-traced");

        var log = await ReadLogAsync(node, "press-9-debug");
        Assert.Contains("CONNECT(ClientId=press-9", log, StringComparison.Ordinal);
        Assert.Contains("mqtt_packet_received, packet: SUBSCRIBE(PacketId=", log, StringComparison.Ordinal);
        Assert.Contains("line3/press-9/cmd(Q1)", log, StringComparison.Ordinal);
        Assert.Contains("mqtt_packet_received, packet: PUBLISH(Q1, R0, D0, Topic=line3/press-9/state", log, StringComparison.Ordinal);
        Assert.Contains("Payload=cycle-start", log, StringComparison.Ordinal);
        Assert.Contains("mqtt_packet_sent, packet: PUBACK(", log, StringComparison.Ordinal);
        Assert.DoesNotContain("press-10", log, StringComparison.Ordinal);

        var (stopped, stoppedTrace) = await node.SendJsonAsync(HttpMethod.Put, "/api/v5/trace/press-9-debug/stop");
        Assert.Equal(HttpStatusCode.OK, stopped);
        Assert.Equal("stopped", stoppedTrace.GetProperty("status").GetString());
        await traced.PublishAcknowledgedAsync("line3/press-9/state", "after-stop");

        var downloaded = await DownloadAsync(node, "press-9-debug");
        Assert.Contains("Payload=cycle-start", downloaded, StringComparison.Ordinal);
        Assert.DoesNotContain("after-stop", downloaded, StringComparison.Ordinal);

        var (listed, traces) = await node.GetAsync("/api/v5/trace");
        Assert.Equal(HttpStatusCode.OK, listed);
        var listedTrace = Assert.Single(traces.EnumerateArray());
        Assert.Equal("clientid", listedTrace.GetProperty("type").GetString());
        Assert.True(listedTrace.GetProperty("log_size").EnumerateObject().Single().Value.GetInt64() > 0);

        Assert.Equal(HttpStatusCode.NoContent, (await node.SendJsonAsync(HttpMethod.Delete, "/api/v5/trace/press-9-debug")).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await node.GetAsync("/api/v5/trace/press-9-debug/log")).Status);
    }

    [Fact]
    public async Task A_topic_trace_stops_at_its_end_and_wrong_traces_are_refused()
    {
        await using var node = await ManagedNode.StartAsync("api-trace-end");
        // Room for the connect and two publishes on a loaded machine before the end; the test then waits for it.
        var end = DateTimeOffset.UtcNow.AddSeconds(8);
        var (created, _) = await node.SendJsonAsync(HttpMethod.Post, "/api/v5/trace", new { name = "ovens", type = "topic", topic = "line4/+/temp", end_at = end });
        Assert.Equal(HttpStatusCode.OK, created);
        var publisher = await node.ConnectAsync("oven-1");
        await publisher.PublishAcknowledgedAsync("line4/oven-1/temp", "180");
        await publisher.PublishAcknowledgedAsync("line4/oven-1/door", "open");

        await Eventually.True(async () => (await node.GetAsync("/api/v5/trace")).Body[0].GetProperty("status").GetString() == "stopped", "the trace ended");
        await publisher.PublishAcknowledgedAsync("line4/oven-1/temp", "after-end");
        var log = await ReadLogAsync(node, "ovens");
        Assert.Contains("Payload=180", log, StringComparison.Ordinal);
        Assert.DoesNotContain("door", log, StringComparison.Ordinal);
        Assert.DoesNotContain("after-end", log, StringComparison.Ordinal);

        var (duplicate, error) = await node.SendJsonAsync(HttpMethod.Post, "/api/v5/trace", new { name = "ovens", type = "topic", topic = "x" });
        Assert.Equal(HttpStatusCode.Conflict, duplicate);
        Assert.Equal("ALREADY_EXISTS", error.GetProperty("code").GetString());
        foreach (var wrong in new object[]
        {
            new { name = "bad name", type = "clientid", clientid = "c" },
            new { name = "t1", type = "username", clientid = "c" },
            new { name = "t2", type = "clientid" },
            new { name = "t3", type = "ip_address", ip_address = "10.0.0" },
            new { name = "t4", type = "clientid", clientid = "c", end_at = DateTimeOffset.UtcNow.AddMinutes(-1) },
        })
        {
            var (status, body) = await node.SendJsonAsync(HttpMethod.Post, "/api/v5/trace", wrong);
            Assert.Equal(HttpStatusCode.BadRequest, status);
            Assert.False(string.IsNullOrEmpty(body.GetProperty("message").GetString()));
        }
    }

    /// <summary>The whole log through /log, part after part (a small part size, so that the cursor is followed).</summary>
    private static async Task<string> ReadLogAsync(ManagedNode node, string name)
    {
        var text = new System.Text.StringBuilder();
        long position = 0;
        for (var part = 0; part < 1000; part++)
        {
            var (status, body) = await node.GetAsync($"/api/v5/trace/{name}/log?bytes=4096&position={position}");
            Assert.True(status == HttpStatusCode.OK, $"{status}: {body}");
            var items = body.GetProperty("items").GetString()!;
            if (items.Length == 0)
                return text.ToString();
            text.Append(items);
            position = body.GetProperty("meta").GetProperty("position").GetInt64();
        }

        Assert.Fail("the log did not end within 1000 parts");
        return "";
    }

    private static async Task<string> DownloadAsync(ManagedNode node, string name)
    {
        using var response = await node.Http.GetAsync($"/api/v5/trace/{name}/download");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await using var zip = new ZipArchive(await response.Content.ReadAsStreamAsync(), ZipArchiveMode.Read);
        var entry = Assert.Single(zip.Entries);
        using var reader = new StreamReader(entry.Open());
        return await reader.ReadToEndAsync();
    }
}
