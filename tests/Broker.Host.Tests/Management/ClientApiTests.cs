using System.Net;
using System.Text.Json;
using Broker.Host.Tests.EndToEnd.Support;
using Broker.Mqtt;
using Broker.Mqtt.Packets;
using Broker.Mqtt.Properties;

namespace Broker.Host.Tests.Management;

/// <summary>EMQX 5's clients, subscriptions, nodes, stats and metrics over real HTTP, on one node and on two.</summary>
public sealed class ClientApiTests
{
    [Fact]
    public async Task Clients_are_listed_with_paging_and_each_filter_and_a_persistent_session_away_as_disconnected()
    {
        await using var node = await ManagedNode.StartAsync("api-clients");
        await node.ConnectAsync("c1", "alice");
        await node.ConnectAsync("c2", "bob");
        await node.ConnectAsync("other");
        using (var away = await MqttTestClient.OpenAsync(node.MqttEndPoint, MqttProtocolVersion.V500, receiveBufferSize: null, read: true))
        {
            await away.ConnectAsync("c-away", c => c with { CleanStart = false, UserName = "carol", Properties = new MqttProperties { SessionExpiryInterval = 3600 } });
        }

        await Eventually.True(async () => Ids(await node.GetAsync("/api/v5/clients?conn_state=disconnected")).SequenceEqual(["c-away"]), "c-away listed as disconnected");

        var (status, first) = await node.GetAsync("/api/v5/clients?page=1&limit=3");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(4, first.GetProperty("meta").GetProperty("count").GetInt32());
        Assert.Equal(3, first.GetProperty("data").GetArrayLength());
        var second = (await node.GetAsync("/api/v5/clients?page=2&limit=3")).Body;
        Assert.Equal(["c-away", "c1", "c2", "other"], Ids((HttpStatusCode.OK, first)).Concat(Ids((HttpStatusCode.OK, second))).Order(StringComparer.Ordinal));

        var c1 = (await node.GetAsync("/api/v5/clients?clientid=c1")).Body.GetProperty("data")[0];
        Assert.Equal("alice", c1.GetProperty("username").GetString());
        Assert.True(c1.GetProperty("connected").GetBoolean());
        Assert.Equal(node.Runtime.NodeName, c1.GetProperty("node").GetString());
        Assert.Equal("127.0.0.1", c1.GetProperty("ip_address").GetString());
        Assert.Equal(5, c1.GetProperty("proto_ver").GetInt32());
        Assert.Equal("MQTT", c1.GetProperty("proto_name").GetString());
        Assert.True(c1.GetProperty("recv_oct").GetInt64() > 0);

        Assert.Equal(["c1"], Ids(await node.GetAsync("/api/v5/clients?username=alice")));
        Assert.Equal(["c-away"], Ids(await node.GetAsync("/api/v5/clients?like_username=aro")));
        Assert.Equal(["c-away", "c1", "c2"], Ids(await node.GetAsync("/api/v5/clients?like_clientid=c")));
        Assert.Equal(["c1", "c2", "other"], Ids(await node.GetAsync("/api/v5/clients?conn_state=connected")));
        Assert.Equal(["c1", "c2", "other"], Ids(await node.GetAsync("/api/v5/clients?ip_address=127.0.0.1")));
        Assert.Equal(["c-away"], Ids(await node.GetAsync("/api/v5/clients?clean_start=false")));
        Assert.Equal(4, Ids(await node.GetAsync("/api/v5/clients?proto_ver=5")).Count);
        Assert.Empty(Ids(await node.GetAsync("/api/v5/clients?proto_ver=4")));
        Assert.Empty(Ids(await node.GetAsync("/api/v5/clients?gte_connected_at=2999-01-01T00:00:00Z")));
        Assert.Equal(4, Ids(await node.GetAsync("/api/v5/clients?lte_connected_at=2999-01-01T00:00:00Z")).Count);
        Assert.Equal(4, Ids(await node.GetAsync($"/api/v5/clients?node={Uri.EscapeDataString(node.Runtime.NodeName)}")).Count);

        var (bad, error) = await node.GetAsync("/api/v5/clients?conn_state=asleep");
        Assert.Equal(HttpStatusCode.BadRequest, bad);
        Assert.Equal("INVALID_PARAMETER", error.GetProperty("code").GetString());
        var (missing, notFound) = await node.GetAsync("/api/v5/clients/nobody");
        Assert.Equal(HttpStatusCode.NotFound, missing);
        Assert.Equal("CLIENTID_NOT_FOUND", notFound.GetProperty("code").GetString());
        var (found, away1) = await node.GetAsync("/api/v5/clients/c-away");
        Assert.Equal(HttpStatusCode.OK, found);
        Assert.False(away1.GetProperty("connected").GetBoolean());
        Assert.Equal(3600, away1.GetProperty("expiry_interval").GetInt64());
    }

    [Fact]
    public async Task A_kick_disconnects_with_administrative_action_and_a_subscription_made_on_behalf_delivers()
    {
        await using var node = await ManagedNode.StartAsync("api-kick");
        var kicked = await node.ConnectAsync("kicked");
        var subscriber = await node.ConnectAsync("subscriber");
        var publisher = await node.ConnectAsync("publisher");

        var (status, _) = await node.SendJsonAsync(HttpMethod.Delete, "/api/v5/clients/kicked");

        Assert.Equal(HttpStatusCode.NoContent, status);
        var disconnect = await kicked.ReceiveAsync<DisconnectPacket>();
        Assert.Equal(ReasonCode.AdministrativeAction, disconnect.ReasonCode);
        Assert.Equal(HttpStatusCode.NotFound, (await node.GetAsync("/api/v5/clients/kicked")).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await node.SendJsonAsync(HttpMethod.Delete, "/api/v5/clients/kicked")).Status);

        var (subscribed, body) = await node.SendJsonAsync(HttpMethod.Post, "/api/v5/clients/subscriber/subscribe", new { topic = "on/behalf", qos = 1 });
        Assert.Equal(HttpStatusCode.OK, subscribed);
        Assert.Equal(1, body.GetProperty("qos").GetInt32());
        await publisher.PublishAcknowledgedAsync("on/behalf", "hello");
        await subscriber.ReceivePublishAsync("hello");

        var (_, bulk) = await node.SendJsonAsync(HttpMethod.Post, "/api/v5/clients/subscriber/subscribe/bulk", new object[] { new { topic = "a/+", qos = 0 }, new { topic = "$share/g/b", qos = 2 } });
        Assert.Equal(2, bulk.GetArrayLength());
        var own = (await node.GetAsync("/api/v5/clients/subscriber/subscriptions")).Body;
        Assert.Equal(["$share/g/b", "a/+", "on/behalf"], own.EnumerateArray().Select(s => s.GetProperty("topic").GetString()).Order(StringComparer.Ordinal));
        Assert.Equal(["$share/g/b"], Topics(await node.GetAsync("/api/v5/subscriptions?share_group=g")));
        Assert.Equal(["a/+"], Topics(await node.GetAsync("/api/v5/subscriptions?match_topic=a/x")));
        Assert.Equal(["on/behalf"], Topics(await node.GetAsync("/api/v5/subscriptions?qos=1")));
        Assert.Equal(3, (await node.GetAsync("/api/v5/subscriptions?clientid=subscriber")).Body.GetProperty("meta").GetProperty("count").GetInt32());

        Assert.Equal(HttpStatusCode.NoContent, (await node.SendJsonAsync(HttpMethod.Post, "/api/v5/clients/subscriber/unsubscribe", new { topic = "on/behalf" })).Status);
        Assert.Equal(HttpStatusCode.NoContent, (await node.SendJsonAsync(HttpMethod.Post, "/api/v5/clients/subscriber/unsubscribe/bulk", new object[] { new { topic = "a/+" } })).Status);
        Assert.Equal(["$share/g/b"], Topics(await node.GetAsync("/api/v5/subscriptions?clientid=subscriber")));
        Assert.Equal(HttpStatusCode.NotFound, (await node.SendJsonAsync(HttpMethod.Post, "/api/v5/clients/nobody/subscribe", new { topic = "x", qos = 0 })).Status);
        Assert.Equal(HttpStatusCode.BadRequest, (await node.SendJsonAsync(HttpMethod.Post, "/api/v5/clients/subscriber/subscribe", new { topic = "a/#/b", qos = 0 })).Status);
        // What the client's own SUBSCRIBE would be refused: No Local on a shared subscription, more levels than allowed.
        Assert.Equal(HttpStatusCode.BadRequest, (await node.SendJsonAsync(HttpMethod.Post, "/api/v5/clients/subscriber/subscribe", new { topic = "$share/g/a", qos = 0, nl = 1 })).Status);
        Assert.Equal(HttpStatusCode.BadRequest, (await node.SendJsonAsync(HttpMethod.Post, "/api/v5/clients/subscriber/subscribe",
            new { topic = string.Join('/', Enumerable.Repeat("l", 200)), qos = 0 })).Status);
    }

    [Fact]
    public async Task Two_nodes_list_each_others_clients_kick_across_and_sum_their_stats()
    {
        await using var a = await ManagedNode.StartAsync("api-pair");
        await using var b = await ManagedNode.StartAsync("api-pair");
        await a.JoinAsync(a.ClusterEndpoint);
        await b.JoinAsync(a.ClusterEndpoint);
        foreach (var node in new[] { a, b })
        {
            await Eventually.True(async () => (await node.MemberStatusesAsync()) is { Count: 2 } s && s.Values.All(v => v == "Up"), "both Up");
        }

        await a.ConnectAsync("on-a");
        var onB = await b.ConnectAsync("on-b");

        foreach (var node in new[] { a, b })
        {
            var (_, list) = await node.GetAsync("/api/v5/clients");
            Assert.Equal(["on-a", "on-b"], Ids((HttpStatusCode.OK, list)).Order(StringComparer.Ordinal));
            var nodes = list.GetProperty("data").EnumerateArray().ToDictionary(c => c.GetProperty("clientid").GetString()!, c => c.GetProperty("node").GetString());
            Assert.Equal(a.Runtime.NodeName, nodes["on-a"]);
            Assert.Equal(b.Runtime.NodeName, nodes["on-b"]);
        }

        // Page 2 of limit 1 lies on the second node in name order.
        Assert.Single(Ids(await a.GetAsync("/api/v5/clients?page=2&limit=1")));

        var (statuses, nodesJson) = await a.GetAsync("/api/v5/nodes");
        Assert.Equal(HttpStatusCode.OK, statuses);
        Assert.All(nodesJson.EnumerateArray(), n => Assert.Equal("running", n.GetProperty("node_status").GetString()));
        Assert.Equal(2, nodesJson.GetArrayLength());
        Assert.Equal(1, (await a.GetAsync($"/api/v5/nodes/{Uri.EscapeDataString(b.Runtime.NodeName)}")).Body.GetProperty("live_connections").GetInt32());

        var perNode = (await b.GetAsync("/api/v5/stats")).Body;
        var aggregate = (await b.GetAsync("/api/v5/stats?aggregate=true")).Body;
        Assert.Equal(2, perNode.GetArrayLength());
        Assert.Equal(perNode.EnumerateArray().Sum(n => n.GetProperty("connections.count").GetInt64()), aggregate.GetProperty("connections.count").GetInt64());
        Assert.Equal(2, aggregate.GetProperty("connections.count").GetInt64());
        var metrics = (await a.GetAsync("/api/v5/metrics?aggregate=true")).Body;
        Assert.Equal(2, metrics.GetProperty("client.connected").GetInt64());
        Assert.Equal(2, (await a.GetAsync("/api/v5/metrics")).Body.GetArrayLength());

        var (kick, _) = await a.SendJsonAsync(HttpMethod.Delete, "/api/v5/clients/on-b");

        Assert.Equal(HttpStatusCode.NoContent, kick);
        Assert.Equal(ReasonCode.AdministrativeAction, (await onB.ReceiveAsync<DisconnectPacket>()).ReasonCode);
        Assert.Equal(HttpStatusCode.NotFound, (await a.GetAsync("/api/v5/clients/on-b")).Status);
    }

    private static List<string> Ids((HttpStatusCode Status, JsonElement Body) response)
    {
        Assert.Equal(HttpStatusCode.OK, response.Status);
        return [.. response.Body.GetProperty("data").EnumerateArray().Select(c => c.GetProperty("clientid").GetString()!).Order(StringComparer.Ordinal)];
    }

    private static List<string> Topics((HttpStatusCode Status, JsonElement Body) response)
    {
        Assert.Equal(HttpStatusCode.OK, response.Status);
        return [.. response.Body.GetProperty("data").EnumerateArray().Select(c => c.GetProperty("topic").GetString()!).Order(StringComparer.Ordinal)];
    }
}
