using System.Net;
using System.Text.Json;
using Broker.Host.Configuration;
using Broker.Host.Tests.EndToEnd.Support;
using Broker.Host.Tests.Management;
using Broker.Mqtt;
using Broker.Mqtt.Packets;

namespace Broker.Host.Tests.Sys;

/// <summary>
/// $SYS topics and alarms over real sockets: a client subscribed to them sees what another client does, the node's
/// version and uptime, and an alarm the test causes (too many connections, with a listener limit of 2) raised, listed
/// at /api/v5/alarms, and cleared.
/// </summary>
public sealed class SysTopicsTests
{
    [Fact]
    public async Task A_subscriber_to_sys_client_events_sees_another_client_connect_and_disconnect()
    {
        await using var node = await ManagedNode.StartAsync("sys-events");
        var watcher = await node.ConnectAsync("watcher");
        await watcher.SubscribeAsync("$SYS/brokers/+/clients/+/connected", QualityOfService.AtMostOnce);
        await watcher.SubscribeAsync("$SYS/brokers/+/clients/+/disconnected", QualityOfService.AtMostOnce);

        var device = await node.ConnectAsync("device-7", username: "plant");
        var connected = await watcher.ReceivePublishAsync();
        Assert.Matches(@"^\$SYS/brokers/[^/]+/clients/device-7/connected$", connected.Topic);
        var json = JsonDocument.Parse(connected.Payload).RootElement;
        Assert.Equal(("device-7", "plant", "127.0.0.1", 5), (json.GetProperty("clientid").GetString(), json.GetProperty("username").GetString(),
            json.GetProperty("ipaddress").GetString(), json.GetProperty("proto_ver").GetInt32()));
        Assert.True(json.GetProperty("clean_start").GetBoolean());
        Assert.Equal(QualityOfService.AtMostOnce, connected.QoS);
        Assert.False(connected.Retain);

        await device.DisconnectAsync();
        var disconnected = await watcher.ReceivePublishAsync();
        Assert.EndsWith("/clients/device-7/disconnected", disconnected.Topic, StringComparison.Ordinal);
        var gone = JsonDocument.Parse(disconnected.Payload).RootElement;
        Assert.Equal("normal", gone.GetProperty("reason").GetString());
        Assert.True(gone.GetProperty("disconnected_at").GetInt64() >= json.GetProperty("connected_at").GetInt64());
    }

    [Fact]
    public async Task Version_sysdescr_uptime_stats_and_metrics_arrive_at_their_intervals_and_version_is_retained()
    {
        await using var node = await ManagedNode.StartAsync("sys-heartbeat", configure: options =>
        {
            options.SysTopics.SysHeartbeatInterval = Duration.FromMilliseconds(100);
            options.SysTopics.SysMsgInterval = Duration.FromMilliseconds(100);
        });
        var watcher = await node.ConnectAsync("watcher");
        await watcher.SubscribeAsync("$SYS/#", QualityOfService.AtMostOnce);

        var seen = new Dictionary<string, string>(StringComparer.Ordinal);
        string[] wanted = ["version", "sysdescr", "uptime", "datetime", "stats/connections/count", "metrics/messages/received"];
        for (var i = 0; i < 500 && !wanted.All(w => seen.Keys.Any(t => t.EndsWith("/" + w, StringComparison.Ordinal))); i++)
        {
            var publish = await watcher.ReceivePublishAsync();
            seen[publish.Topic] = MqttTestClient.PayloadOf(publish);
        }

        string Of(string name) => seen.Single(e => e.Key.EndsWith("/" + name, StringComparison.Ordinal) && e.Key.StartsWith("$SYS/brokers/", StringComparison.Ordinal)).Value;
        Assert.Equal(SysVersion(), Of("version"));
        Assert.True(long.Parse(Of("uptime"), System.Globalization.CultureInfo.InvariantCulture) >= 0);
        Assert.True(DateTimeOffset.TryParse(Of("datetime"), System.Globalization.CultureInfo.InvariantCulture, out _));
        Assert.Equal("1", Of("stats/connections/count"));
        Assert.Contains(seen, e => e.Key == "$SYS/brokers" && e.Value.Contains('@', StringComparison.Ordinal));

        // Retained: a client that subscribes later gets the version at once.
        var late = await node.ConnectAsync("late");
        await late.SubscribeAsync("$SYS/brokers/+/version", QualityOfService.AtMostOnce);
        var retained = await late.ReceivePublishAsync(SysVersion());
        Assert.True(retained.Retain);
    }

    [Fact]
    public async Task Too_many_connections_is_raised_listed_published_and_cleared()
    {
        await using var node = await ManagedNode.StartAsync("sys-alarms", configure: options =>
        {
            options.Listeners.Tcp.MaxConnections = 2;
            options.Sysmon.CheckInterval = Duration.FromMilliseconds(100);
        });
        var watcher = await node.ConnectAsync("watcher");
        await watcher.SubscribeAsync("$SYS/brokers/+/alarms/#", QualityOfService.AtMostOnce);

        var second = await node.ConnectAsync("second");
        var activate = await ReceiveAlarmAsync(watcher, "activate");
        Assert.Equal("too_many_connections", activate.GetProperty("name").GetString());
        Assert.True(activate.GetProperty("activated").GetBoolean());
        Assert.Equal(2, activate.GetProperty("details").GetProperty("connections").GetInt32());

        var (status, active) = await node.GetAsync("/api/v5/alarms?activated=true");
        Assert.Equal(HttpStatusCode.OK, status);
        var listed = Assert.Single(active.GetProperty("data").EnumerateArray());
        Assert.Equal("too_many_connections", listed.GetProperty("name").GetString());
        Assert.False(listed.TryGetProperty("deactivate_at", out _));
        Assert.Equal(1, active.GetProperty("meta").GetProperty("count").GetInt32());

        await second.DisconnectAsync();
        var deactivate = await ReceiveAlarmAsync(watcher, "deactivate");
        Assert.False(deactivate.GetProperty("activated").GetBoolean());
        var (_, history) = await node.GetAsync("/api/v5/alarms?activated=false");
        Assert.True(DateTimeOffset.TryParse(Assert.Single(history.GetProperty("data").EnumerateArray()).GetProperty("deactivate_at").GetString(),
            System.Globalization.CultureInfo.InvariantCulture, out _));
        Assert.Empty((await node.GetAsync("/api/v5/alarms?activated=true")).Body.GetProperty("data").EnumerateArray());

        var (deleted, _) = await node.SendJsonAsync(HttpMethod.Delete, "/api/v5/alarms");
        Assert.Equal(HttpStatusCode.NoContent, deleted);
        Assert.Empty((await node.GetAsync("/api/v5/alarms")).Body.GetProperty("data").EnumerateArray());
        Assert.Equal(HttpStatusCode.BadRequest, (await node.GetAsync("/api/v5/alarms?activated=maybe")).Status);
    }

    private static async Task<JsonElement> ReceiveAlarmAsync(MqttTestClient watcher, string change)
    {
        var publish = await watcher.ReceiveAsync<PublishPacket>(TimeSpan.FromSeconds(15));
        Assert.EndsWith("/alarms/" + change, publish.Topic, StringComparison.Ordinal);
        Assert.Equal("application/json", publish.Properties.ContentType);
        return JsonDocument.Parse(publish.Payload).RootElement;
    }

    private static string SysVersion() => Broker.Host.BrokerVersion.Text;
}
