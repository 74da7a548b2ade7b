using System.Net;
using System.Text;
using System.Text.Json;
using Broker.Mqtt;

namespace Broker.Host.Tests.Management;

/// <summary>
/// EMQX's operations API over real HTTP against a running node: the routes a real client's SUBSCRIBE made, the retained
/// messages (listed, read, deleted, on both nodes of a cluster), and publishing to a real subscriber, with 400s that
/// say what is wrong.
/// </summary>
public sealed class OperationsApiTests
{
    [Fact]
    public async Task A_subscription_shows_as_a_route_of_this_node_and_goes_with_the_unsubscribe()
    {
        await using var node = await ManagedNode.StartAsync("api-topics");
        var client = await node.ConnectAsync("line1-dashboard");
        await client.SubscribeAsync("line1/+/temperature");
        await client.SubscribeAsync("line1/press/#");

        var (status, page) = await node.GetAsync("/api/v5/topics?limit=1");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(2, page.GetProperty("meta").GetProperty("count").GetInt32());
        var row = Assert.Single(page.GetProperty("data").EnumerateArray());
        Assert.Equal("line1/+/temperature", row.GetProperty("topic").GetString());
        Assert.Equal(node.Runtime.Routes.NodeName, row.GetProperty("node").GetString());

        var filtered = (await node.GetAsync("/api/v5/topics?topic=line1/press/%23")).Body;
        Assert.Equal("line1/press/#", Assert.Single(filtered.GetProperty("data").EnumerateArray()).GetProperty("topic").GetString());
        Assert.Equal(0, (await node.GetAsync("/api/v5/topics?node=elsewhere")).Body.GetProperty("meta").GetProperty("count").GetInt32());

        var (found, routes) = await node.GetAsync("/api/v5/topics/" + Uri.EscapeDataString("line1/+/temperature"));
        Assert.Equal(HttpStatusCode.OK, found);
        Assert.Equal("line1/+/temperature", Assert.Single(routes.EnumerateArray()).GetProperty("topic").GetString());

        await client.SendAsync(new Broker.Mqtt.Packets.UnsubscribePacket { PacketId = 90, TopicFilters = ["line1/+/temperature"] });
        await client.ReceiveAsync<Broker.Mqtt.Packets.UnsubAckPacket>();
        var (gone, error) = await node.GetAsync("/api/v5/topics/" + Uri.EscapeDataString("line1/+/temperature"));
        Assert.Equal(HttpStatusCode.NotFound, gone);
        Assert.Equal("TOPIC_NOT_FOUND", error.GetProperty("code").GetString());
    }

    [Fact]
    public async Task Publish_reaches_a_subscribed_client_with_its_properties_and_retains_when_asked()
    {
        await using var node = await ManagedNode.StartAsync("api-publish");
        var subscriber = await node.ConnectAsync("hmi-3");
        await subscriber.SubscribeAsync("line2/#");

        var (status, answer) = await node.SendJsonAsync(HttpMethod.Post, "/api/v5/publish", new
        {
            topic = "line2/oven/setpoint",
            qos = 1,
            payload = "MjIw", // "220"
            payload_encoding = "base64",
            properties = new { content_type = "text/plain", user_properties = new Dictionary<string, string> { ["shift"] = "night" } },
        });
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.False(string.IsNullOrEmpty(answer.GetProperty("id").GetString()));
        var received = await subscriber.ReceivePublishAsync("220");
        Assert.Equal("line2/oven/setpoint", received.Topic);
        Assert.Equal(QualityOfService.AtLeastOnce, received.QoS);
        Assert.Equal("text/plain", received.Properties.ContentType);
        Assert.Contains(received.Properties.UserProperties, p => p is { Name: "shift", Value: "night" });
        await subscriber.SendAsync(new Broker.Mqtt.Packets.PubAckPacket { PacketId = received.PacketId });

        var (none, noMatch) = await node.SendJsonAsync(HttpMethod.Post, "/api/v5/publish", new { topic = "line9/nobody", payload = "x", retain = true });
        Assert.Equal(HttpStatusCode.Accepted, none);
        Assert.Equal(16, noMatch.GetProperty("reason_code").GetInt32());
        Assert.Equal("no_matching_subscribers", noMatch.GetProperty("message").GetString());
        Assert.Equal(HttpStatusCode.OK, (await node.GetAsync("/api/v5/mqtt/retainer/message/line9%2Fnobody")).Status);

        var (bulk, answers) = await node.SendJsonAsync(HttpMethod.Post, "/api/v5/publish/bulk", new object[]
        {
            new { topic = "line2/a", payload = "first" },
            new { topic = "line8/b", payload = "second" },
        });
        Assert.Equal(HttpStatusCode.Accepted, bulk);
        Assert.Equal(2, answers.GetArrayLength());
        Assert.True(answers[0].TryGetProperty("id", out _));
        Assert.Equal(16, answers[1].GetProperty("reason_code").GetInt32());
        await subscriber.ReceivePublishAsync("first");
    }

    [Fact]
    public async Task A_publish_that_cannot_be_made_is_refused_with_400_and_a_message()
    {
        await using var node = await ManagedNode.StartAsync("api-publish-errors");
        var subscriber = await node.ConnectAsync("watcher");
        await subscriber.SubscribeAsync("#");

        async Task<string> Refused(object body, string path = "/api/v5/publish")
        {
            var (status, answer) = await node.SendJsonAsync(HttpMethod.Post, path, body);
            Assert.Equal(HttpStatusCode.BadRequest, status);
            var message = answer.GetProperty("message").GetString();
            Assert.False(string.IsNullOrWhiteSpace(message));
            return message!;
        }

        Assert.StartsWith("topic_name_invalid", await Refused(new { topic = "line1/+/x", payload = "p" }));
        Assert.StartsWith("topic_name_invalid", await Refused(new { topic = "line1/#", payload = "p" }));
        Assert.StartsWith("topic_name_invalid", await Refused(new { topic = "", payload = "p" }));
        Assert.StartsWith("topic_name_invalid", await Refused(new { topic = new string('t', 70_000), payload = "p" }));
        Assert.StartsWith("topic_name_invalid", await Refused(new { topic = "$SYS/brokers/forged/version", payload = "p" }));
        Assert.Contains("response_topic", await Refused(new { topic = "ok", payload = "p", properties = new { response_topic = "replies/#" } }));
        Assert.Contains("qos", await Refused(new { topic = "ok", qos = 3, payload = "p" }));
        Assert.Contains("payload_encoding", await Refused(new { topic = "ok", payload = "p", payload_encoding = "hex" }));
        Assert.Contains("base64", await Refused(new { topic = "ok", payload = "%%%", payload_encoding = "base64" }));
        Assert.Contains("payload", await Refused(new { topic = "ok" }));
        Assert.Contains("empty_batch", await Refused(Array.Empty<object>(), "/api/v5/publish/bulk"));
        // One bad message refuses the whole batch: the good one before it is not published either.
        await Refused(new object[] { new { topic = "fine", payload = "p" }, new { topic = "a/+", payload = "p" } }, "/api/v5/publish/bulk");
        // A topic that is not UTF-8 (a lone surrogate) and a body that is not the JSON expected.
        foreach (var raw in new[] { "{\"topic\": \"bad\\ud800\", \"payload\": \"p\"}", "{\"topic\": 1}", "{\"topic\": " })
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v5/publish") { Content = new StringContent(raw, Encoding.UTF8, "application/json") };
            using var response = await node.Http.SendAsync(request);
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Contains("message", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        await subscriber.ExpectNothingAsync();
    }

    [Fact]
    public async Task Topics_and_client_ids_in_paths_are_decoded_once_so_a_percent_sign_or_a_slash_names_no_other()
    {
        await using var node = await ManagedNode.StartAsync("api-paths");
        var client = await node.ConnectAsync("press%2F9");
        await client.PublishAcknowledgedAsync("plant/a%41", "literal", retain: true);
        await client.PublishAcknowledgedAsync("plant/aA", "other", retain: true);

        // "plant/a%41" sent level by level (%25 for '%') and whole (%2F for '/'): the same message, never plant/aA's.
        foreach (var path in new[] { "plant/a%2541", "plant%2Fa%2541" })
        {
            var (status, message) = await node.GetAsync("/api/v5/mqtt/retainer/message/" + path);
            Assert.Equal(HttpStatusCode.OK, status);
            Assert.Equal("literal", Encoding.UTF8.GetString(Convert.FromBase64String(message.GetProperty("payload").GetString()!)));
        }

        // A client id holding the text "%2F" is not the id "press/9".
        Assert.Equal(HttpStatusCode.OK, (await node.GetAsync("/api/v5/clients/press%252F9")).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await node.GetAsync("/api/v5/clients/press%2F9")).Status);
    }

    [Fact]
    public async Task Retained_messages_are_listed_read_and_deleted_and_the_deletion_reaches_the_other_node()
    {
        await using var a = await ManagedNode.StartAsync("api-retained");
        await using var b = await ManagedNode.StartAsync("api-retained");
        await a.JoinAsync(a.ClusterEndpoint);
        await b.JoinAsync(a.ClusterEndpoint);
        await Eventually.True(async () => (await a.MemberStatusesAsync()).Values.Count(s => s == "Up") == 2, "both nodes are Up");

        var publisher = await a.ConnectAsync("plc-7");
        await publisher.PublishAcknowledgedAsync("plant/line1/state", "running", retain: true);
        await publisher.PublishAcknowledgedAsync("plant/line2/state", "stopped", retain: true);
        await Eventually.True(async () => (await b.GetAsync("/api/v5/mqtt/retainer/messages?topic=plant/%23")).Body.GetProperty("meta").GetProperty("count").GetInt32() == 2,
            "node b has both retained messages");

        var (listed, page) = await a.GetAsync("/api/v5/mqtt/retainer/messages?topic=plant/%2B/state&limit=1&page=2");
        Assert.Equal(HttpStatusCode.OK, listed);
        var second = Assert.Single(page.GetProperty("data").EnumerateArray());
        Assert.Equal("plant/line2/state", second.GetProperty("topic").GetString());
        Assert.Equal("plc-7", second.GetProperty("from_clientid").GetString());
        Assert.Equal(1, second.GetProperty("qos").GetInt32());
        Assert.False(second.TryGetProperty("payload", out _));

        var (read, message) = await b.GetAsync("/api/v5/mqtt/retainer/message/" + Uri.EscapeDataString("plant/line1/state"));
        Assert.Equal(HttpStatusCode.OK, read);
        Assert.Equal("running", Encoding.UTF8.GetString(Convert.FromBase64String(message.GetProperty("payload").GetString()!)));

        Assert.Equal(HttpStatusCode.NoContent, (await a.SendJsonAsync(HttpMethod.Delete, "/api/v5/mqtt/retainer/message/plant/line1/state")).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await a.GetAsync("/api/v5/mqtt/retainer/message/plant/line1/state")).Status);
        await Eventually.True(async () => (await b.GetAsync("/api/v5/mqtt/retainer/message/plant/line1/state")).Status == HttpStatusCode.NotFound,
            "node b deleted the message too");
        var (missing, error) = await b.SendJsonAsync(HttpMethod.Delete, "/api/v5/mqtt/retainer/message/plant/line1/state");
        Assert.Equal(HttpStatusCode.NotFound, missing);
        Assert.Equal("NOT_FOUND", error.GetProperty("code").GetString());

        // A new subscriber on the other node gets the remaining message only.
        var late = await b.ConnectAsync("hmi-late");
        await late.SubscribeAsync("plant/#");
        Assert.Equal("plant/line2/state", (await late.ReceivePublishAsync("stopped")).Topic);
        await late.ExpectNothingAsync();
        Assert.Equal(HttpStatusCode.BadRequest, (await a.GetAsync("/api/v5/mqtt/retainer/messages?topic=a/%23/b")).Status);
    }
}
