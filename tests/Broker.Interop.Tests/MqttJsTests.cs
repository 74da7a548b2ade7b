using Broker.Interop.Tests.Infrastructure;

namespace Broker.Interop.Tests;

/// <summary>MQTT.js (npm package mqtt, pinned in tests/interop-js/package.json) against the broker.</summary>
public sealed class MqttJsTests(InteropBroker broker, ITestOutputHelper output) : InteropTest(broker, output)
{
    /// <summary>
    /// MQTT over WebSocket at ws://host:port/mqtt (subprotocol "mqtt"), for both MQTT 3.1.1 and 5.
    /// </summary>
    [InteropTheory(Tools.MqttJs)]
    [InlineData("4")]
    [InlineData("5")]
    public async Task MqttJs_publishes_and_subscribes_over_websocket(string version)
    {
        var ws = Endpoint.WebSocket ?? throw new InvalidOperationException(
            $"no WebSocket endpoint: set {BrokerTarget.WebSocketVariable} along with {BrokerTarget.Variable}");
        var run = Clients.MqttJs("pubsub.js", "--url", ws.ToString(), "--version", version,
            "--client-id", Names.ClientId("ws"), "--topic", Names.Topic("websocket"), "--count", "20", "--qos", "1");
        await run.ExpectSuccessAsync(Deadline);
        Assert.Equal(Enumerable.Range(0, 20).Select(i => $"{i}"), Payloads(run));
    }

    /// <summary>
    /// The publisher sends the topic once with Topic Alias 1 and then the alias alone; the subscriber offers
    /// topicAliasMaximum 10, so the broker may alias what it sends too. Every message arrives with its topic.
    /// </summary>
    [InteropFact(Tools.MqttJs)]
    public async Task Topic_aliases_in_both_directions_deliver_every_message_with_its_topic()
    {
        var topic = Names.Topic("mqttjs-alias");
        var run = Clients.MqttJs("pubsub.js", "--url", Endpoint.TcpUrl, "--client-id", Names.ClientId("alias"),
            "--topic", topic, "--count", "10", "--qos", "1", "--topic-alias");
        await run.ExpectSuccessAsync(Deadline);

        Assert.Equal(Enumerable.Range(0, 10).Select(i => $"{i}"), Payloads(run));
        Assert.All(run.Lines.Where(ClientEvent.Named("message")),
            line => Assert.Equal(topic, ClientEvent.Parse(line).GetProperty("topic").GetString()));
    }

    private static List<string> Payloads(CapturedProcess run) =>
        run.Lines.Where(ClientEvent.Named("message")).Select(ClientEvent.Payload).ToList();
}
