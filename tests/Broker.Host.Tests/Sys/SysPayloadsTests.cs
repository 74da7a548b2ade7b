using System.Net;
using System.Text.Json;
using Broker.Host.Alarms;
using Broker.Host.Sys;
using Broker.Mqtt;
using Broker.Mqtt.Packets;
using Broker.Transport.Connections;

namespace Broker.Host.Tests.Sys;

public sealed class SysPayloadsTests
{
    private static readonly ConnectedClient Client = new(
        "sensor-1", null, IPAddress.Parse("10.0.0.7"), 52000, 1883, MqttProtocolVersion.V311, 60, CleanStart: true, ExpiryInterval: 0, 1_700_000_000_000);

    [Fact]
    public void Connected_has_emqx_fields()
    {
        var json = Parse(SysPayloads.Connected(Client, 1_700_000_000_005));

        Assert.Equal("sensor-1", json.GetProperty("clientid").GetString());
        Assert.Equal("undefined", json.GetProperty("username").GetString());
        Assert.Equal("10.0.0.7", json.GetProperty("ipaddress").GetString());
        Assert.Equal(1883, json.GetProperty("sockport").GetInt32());
        Assert.Equal(("MQTT", 4, "mqtt"), (json.GetProperty("proto_name").GetString(), json.GetProperty("proto_ver").GetInt32(), json.GetProperty("protocol").GetString()));
        Assert.Equal(60, json.GetProperty("keepalive").GetInt32());
        Assert.True(json.GetProperty("clean_start").GetBoolean());
        Assert.Equal(0, json.GetProperty("expiry_interval").GetInt64());
        Assert.Equal(1_700_000_000_000, json.GetProperty("connected_at").GetInt64());
        Assert.Equal(1_700_000_000_005, json.GetProperty("ts").GetInt64());
    }

    [Fact]
    public void Disconnected_says_why_and_when()
    {
        var json = Parse(SysPayloads.Disconnected(Client with { Username = "plant" }, "keepalive_timeout", 1_700_000_090_000));

        Assert.Equal(("plant", "keepalive_timeout", 1_700_000_090_000), (json.GetProperty("username").GetString(), json.GetProperty("reason").GetString(), json.GetProperty("disconnected_at").GetInt64()));
    }

    [Fact]
    public void Subscribed_names_the_options_as_emqx()
    {
        var subscription = new TopicSubscription("plant/#", new SubscriptionOptions(QualityOfService.AtLeastOnce, NoLocal: true, RetainHandling: RetainHandling.DoNotSend));
        var json = Parse(SysPayloads.Subscribed(Client, subscription, 5));

        Assert.Equal("plant/#", json.GetProperty("topic").GetString());
        var options = json.GetProperty("subopts");
        Assert.Equal((1, 1, 0, 2), (options.GetProperty("qos").GetInt32(), options.GetProperty("nl").GetInt32(), options.GetProperty("rap").GetInt32(), options.GetProperty("rh").GetInt32()));
    }

    [Fact]
    public void An_active_alarm_is_deactivated_at_infinity_and_a_cleared_one_in_microseconds()
    {
        var at = DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_000);
        var alarm = new Alarm("too_many_connections", NodeAlarms.Details(("connections", 9)), "9 connections", at, null, "broker@a");

        var active = Parse(SysPayloads.Alarm(alarm));
        var cleared = Parse(SysPayloads.Alarm(alarm with { DeactivateAt = at.AddSeconds(2) }));

        Assert.Equal(("too_many_connections", "9 connections", 9), (active.GetProperty("name").GetString(), active.GetProperty("message").GetString(), active.GetProperty("details").GetProperty("connections").GetInt32()));
        Assert.Equal(1_700_000_000_000_000, active.GetProperty("activate_at").GetInt64());
        Assert.Equal("infinity", active.GetProperty("deactivate_at").GetString());
        Assert.True(active.GetProperty("activated").GetBoolean());
        Assert.Equal(1_700_000_002_000_000, cleared.GetProperty("deactivate_at").GetInt64());
        Assert.False(cleared.GetProperty("activated").GetBoolean());
    }

    [Theory]
    [InlineData("akka.tcp://broker@10.0.0.5:4370", "broker@10.0.0.5:4370")]
    [InlineData("broker@127.0.0.1", "broker@127.0.0.1")]
    [InlineData("odd/name+#", "odd_name__")]
    public void A_node_is_one_topic_level(string node, string level) => Assert.Equal(level, SysTopics.NodeLevel(node));

    [Fact]
    public void Topics_are_emqx_s()
    {
        var topics = new SysTopics("akka.tcp://broker@h:1");

        Assert.Equal("$SYS/brokers/broker@h:1/stats/connections/count", topics.Counter("stats", "connections.count"));
        Assert.Equal("$SYS/brokers/broker@h:1/metrics/messages/qos1/received", topics.Counter("metrics", "messages.qos1.received"));
        Assert.Equal("$SYS/brokers/broker@h:1/clients/a/b/connected", topics.Client("a/b", "connected"));
        Assert.Equal("$SYS/brokers/broker@h:1/clients/a__/connected", topics.Client("a+#", "connected"));
    }

    private static JsonElement Parse(byte[] payload) => JsonDocument.Parse(payload).RootElement;
}
