using System.Net;
using Broker.Host.Options;
using Broker.Host.Tests.EndToEnd.Support;
using Broker.Mqtt;
using Broker.Mqtt.Packets;
using Broker.Mqtt.Properties;

namespace Broker.Host.Tests.Management;

/// <summary>
/// <c>/api/v5/prometheus/stats</c> over real HTTP, on a node real MQTT clients use: the values move with what the
/// clients do. Counters are read once the broker's own answers show the work done; a counter bumped just after the
/// answer went out is waited for with <see cref="Eventually"/>, never a fixed delay.
/// </summary>
public sealed class PrometheusEndpointTests
{
    [Fact]
    public async Task Connections_subscriptions_messages_and_bytes_move_with_what_clients_do()
    {
        // No $SYS ticks: their retained version, sysdescr and node list would count among the retained messages.
        await using var node = await ManagedNode.StartAsync("prom-traffic", configure: options => options.SysTopics.SysMsgInterval = default);
        var before = await PrometheusScrape.TakeAsync(node);
        Assert.Equal(0, before["emqx_connections_count"]);
        Assert.Equal(0, before["emqx_messages_received{qos=\"1\"}"]);
        Assert.Equal(1, before["emqx_cluster_nodes_running"]);

        var subscriber = await node.ConnectAsync("prom-sub");
        await subscriber.SubscribeAsync("plant/+/temperature");
        await subscriber.SubscribeAsync(new TopicSubscription("$share/g/plant/#", new SubscriptionOptions(QualityOfService.AtMostOnce)));
        var publisher = await node.ConnectAsync("prom-pub");
        await publisher.PublishAcknowledgedAsync("plant/line1/temperature", "21.5");
        await publisher.PublishAcknowledgedAsync("plant/line2/temperature", "22.0", retain: true);
        await publisher.PublishAsync("plant/line3/temperature", "23.0");
        await publisher.PublishAcknowledgedAsync("nobody/listens", "x");
        var received = 0;
        while (received < 3 * 2)
        {
            await subscriber.ReceivePublishAsync();
            received++;
        }

        await Eventually.True(async () => (await PrometheusScrape.TakeAsync(node))["emqx_messages_received{qos=\"1\"}"] == 3, "3 QoS 1 publishes received");
        var after = await PrometheusScrape.TakeAsync(node);
        Assert.Equal(2, after["emqx_connections_count"]);
        Assert.Equal(2, after["emqx_sessions_count"]);
        Assert.Equal(2, after["emqx_subscriptions_count"]);
        Assert.Equal(1, after["emqx_subscriptions_shared_count"]);
        Assert.Equal(2, after["emqx_topics_count"]);
        Assert.Equal(1, after["emqx_retained_count"]);
        Assert.Equal(1, after["emqx_messages_received{qos=\"0\"}"]);
        // Each message once to the plain subscription at QoS 1 (QoS 0 published: 0), once to the group at QoS 0.
        Assert.Equal(2, after["emqx_messages_sent{qos=\"1\"}"]);
        Assert.Equal(4, after["emqx_messages_sent{qos=\"0\"}"]);
        Assert.Equal(1, after["emqx_messages_dropped{reason=\"no_subscribers\"}"]);
        Assert.Equal(0, after["emqx_delivery_dropped{reason=\"queue_full\"}"]);
        Assert.Equal(2, after["emqx_authentication_success"]);
        Assert.Equal(2, after["emqx_authentication_success_anonymous"]);
        Assert.Equal(0, after["emqx_authentication_failure"]);
        // 2 SUBSCRIBEs and 4 PUBLISHes, each checked (no source: allowed) and counted, as EMQX does.
        Assert.Equal(6, after["emqx_authorization_allow"]);
        Assert.True(after["emqx_bytes_received"] > before["emqx_bytes_received"] + 4 * "plant/line1/temperature".Length);
        Assert.True(after["emqx_bytes_sent"] > before["emqx_bytes_sent"] + 6 * "plant/line1/temperature".Length);

        await publisher.DisconnectAsync();
        await publisher.ExpectClosedAsync();
        await Eventually.True(async () => (await PrometheusScrape.TakeAsync(node))["emqx_connections_count"] == 1, "the publisher's connection gone");
        var gone = await PrometheusScrape.TakeAsync(node);
        // What the ended connection counted stays in the totals.
        Assert.True(gone["emqx_bytes_received"] >= after["emqx_bytes_received"]);
        Assert.Equal(2, gone["emqx_authentication_success"]);
        Assert.Equal(6, gone["emqx_authorization_allow"]);
    }

    [Fact]
    public async Task Authentication_failures_and_authorization_denials_are_counted()
    {
        await using var node = await ManagedNode.StartAsync("prom-security", configure: o =>
        {
            o.Authentication = [new AuthenticatorOptions { PasswordHashAlgorithm = { Iterations = 64 } }];
            o.Authorization.NoMatch = NoMatchAction.Deny;
            o.Authorization.Sources = [new AuthorizationSourceOptions { Type = AuthorizationSourceType.BuiltInDatabase }];
        });
        Assert.Equal(HttpStatusCode.Created, (await node.SendJsonAsync(HttpMethod.Post, "/api/v5/authentication/password_based:built_in_database/users",
            new { user_id = "press", password = "pw" })).Status);

        Assert.Equal(ReasonCode.BadUserNameOrPassword, (await node.LoginAsync("press-1", "press", "wrong")).ReasonCode);
        Assert.Equal(ReasonCode.NotAuthorized, (await node.LoginAsync("press-1", "nobody", "pw")).ReasonCode);
        using var client = await MqttTestClient.OpenAsync(node.MqttEndPoint, MqttProtocolVersion.V500, receiveBufferSize: null, read: true);
        Assert.Equal(ReasonCode.Success, (await client.SendConnectAsync(new ConnectPacket
        {
            ClientId = "press-2", CleanStart = true, UserName = "press", Password = "pw"u8.ToArray(),
        })).ReasonCode);
        Assert.Equal(ReasonCode.NotAuthorized, (await client.SubscribeAsync("plant/#")).ReasonCodes.Single());
        await client.PublishAsync("plant/line1/state", "on", QualityOfService.AtLeastOnce);
        Assert.Equal(ReasonCode.NotAuthorized, (await client.ReceiveAsync<PubAckPacket>()).ReasonCode);

        var scrape = await PrometheusScrape.TakeAsync(node);
        Assert.Equal(1, scrape["emqx_authentication_success"]);
        Assert.Equal(0, scrape["emqx_authentication_success_anonymous"]);
        Assert.Equal(2, scrape["emqx_authentication_failure"]);
        Assert.Equal(2, scrape["emqx_authorization_deny"]);
        Assert.Equal(0, scrape["emqx_authorization_allow"]);
        Assert.Equal(1, scrape["emqx_messages_dropped{reason=\"not_authorized\"}"]);
    }

    [Fact]
    public async Task Durable_storage_shows_its_commits_and_the_runtime_its_gc_and_thread_pool()
    {
        await using var node = await ManagedNode.StartAsync("prom-storage", configure: o => o.Persistence.Durability = PersistenceDurability.Sync);
        var before = await PrometheusScrape.TakeAsync(node);
        var client = await node.ConnectAsync("prom-durable");
        await client.PublishAcknowledgedAsync("plant/line1/mode", "auto", retain: true);

        // The retained message's row is committed, maybe after the PUBACK (which waits for it only for durable subscribers).
        const string commits = "emqx_persistence_commits{store=\"state\"}";
        await Eventually.True(async () => (await PrometheusScrape.TakeAsync(node))[commits] > before[commits], "the retained message committed");
        var after = await PrometheusScrape.TakeAsync(node);
        Assert.True(after["emqx_persistence_commit_seconds{store=\"state\"}"] > before["emqx_persistence_commit_seconds{store=\"state\"}"]);
        Assert.True(after["emqx_persistence_writes{store=\"state\"}"] > before["emqx_persistence_writes{store=\"state\"}"]);
        Assert.Equal(0, after["emqx_persistence_failed_commits{store=\"state\"}"]);
        Assert.True(after.Has("emqx_persistence_queue_length{store=\"journal\"}"));
        Assert.True(after["dotnet_gc_allocated_bytes"] > 0);
        Assert.True(after["dotnet_threadpool_threads_count"] > 0);
        Assert.True(after["process_working_set_bytes"] > 0);
        Assert.True(after["process_open_handles"] > 0);
        Assert.True(after["process_cpu_seconds_total"] > 0);
        Assert.True(after.Has("dotnet_collection_count_total{generation=\"0\"}"));
    }

    [Fact]
    public async Task With_prometheus_disabled_the_route_answers_404()
    {
        await using var node = await ManagedNode.StartAsync("prom-off", configure: o => o.Prometheus.Enable = false);

        using var response = await node.Http.GetAsync(PrometheusScrape.Path);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Null(node.Runtime.Prometheus);
    }

    [Fact]
    public async Task Two_brokers_in_one_process_each_report_their_own()
    {
        await using var busy = await ManagedNode.StartAsync("prom-busy");
        await using var idle = await ManagedNode.StartAsync("prom-idle");
        await busy.ConnectAsync("prom-only-here");

        Assert.Equal(1, (await PrometheusScrape.TakeAsync(busy))["emqx_connections_count"]);
        Assert.Equal(0, (await PrometheusScrape.TakeAsync(idle))["emqx_connections_count"]);
        Assert.Equal(0, (await PrometheusScrape.TakeAsync(idle))["emqx_sessions_count"]);
    }
}
