using System.Text.Json;
using Broker.Interop.Tests.Infrastructure;

namespace Broker.Interop.Tests;

/// <summary>
/// Eclipse Paho for Python (Debian's python3-paho-mqtt) against the broker: wills, kept sessions, exactly-once
/// delivery, MQTT 5 user properties and topic aliases. The scripts are in tests/interop-py.
/// </summary>
public sealed class PahoTests(InteropBroker broker, ITestOutputHelper output) : InteropTest(broker, output)
{
    /// <summary>
    /// A client that vanishes without DISCONNECT (its process killed, so the OS closes the socket) has its will
    /// published [MQTT-3.1.2-8].
    /// </summary>
    [InteropTheory(Tools.Paho)]
    [InlineData("311")]
    [InlineData("5")]
    public async Task MQTT_3_1_2_8_will_is_published_when_the_client_dies_without_disconnect(string version)
    {
        var topic = Names.Topic("will");
        var watcher = await SubscribedAsync("--version", version, "--topic", topic, "--count", "1");

        var client = Clients.Paho("will_client.py", "--version", version, "--client-id", Names.ClientId("will"),
            "--will-topic", topic, "--will-payload", "machine 7 lost");
        await client.WaitForLineAsync(ClientEvent.Named("connected"), Deadline, "CONNACK");
        client.Kill();

        await watcher.ExpectSuccessAsync(Deadline);
        Assert.Equal("machine 7 lost", ClientEvent.Payload(Messages(watcher).Single()));
    }

    /// <summary>
    /// After a DISCONNECT the will is discarded [MQTT-3.1.2-10]: the watcher's first message is a marker
    /// published after the client left, not the will.
    /// </summary>
    [InteropTheory(Tools.Paho)]
    [InlineData("311")]
    [InlineData("5")]
    public async Task MQTT_3_1_2_10_will_is_not_published_after_a_clean_disconnect(string version)
    {
        var topic = Names.Topic("no-will");
        var watcher = await SubscribedAsync("--version", version, "--topic", topic, "--count", "1");

        await Clients.Paho("will_client.py", "--version", version, "--client-id", Names.ClientId("will"),
            "--will-topic", topic, "--will-payload", "machine 7 lost", "--then-disconnect").ExpectSuccessAsync(Deadline);
        await Clients.Paho("publish.py", "--topic", topic, "--message", "marker").ExpectSuccessAsync(Deadline);

        await watcher.ExpectSuccessAsync(Deadline);
        Assert.Equal("marker", ClientEvent.Payload(Messages(watcher).Single()));
    }

    /// <summary>
    /// clean_session=False (3.1.1) or clean start 0 with a session expiry (5): the session outlives the
    /// connection, stores the QoS 1 messages matching its subscription [MQTT-3.1.2-5], and is resumed with
    /// Session Present set (3.1.1 [MQTT-3.2.2-2]).
    /// </summary>
    [InteropTheory(Tools.Paho)]
    [InlineData("311")]
    [InlineData("5")]
    public async Task MQTT_3_1_2_5_kept_session_delivers_qos1_messages_published_while_offline(string version)
    {
        var topic = Names.Topic("paho-session");
        var id = Names.ClientId("paho");
        await Clients.Paho("subscribe.py", "--version", version, "--client-id", id, "--persistent",
            "--topic", topic, "--qos", "1", "--count", "0").ExpectSuccessAsync(Deadline);

        await Clients.Paho("publish.py", "--version", version, "--topic", topic, "--qos", "1",
            "--count", "5", "--message", "queued ").ExpectSuccessAsync(Deadline);

        var back = Clients.Paho("subscribe.py", "--version", version, "--client-id", id, "--persistent", "--resume",
            "--no-subscribe", "--count", "5");
        await back.ExpectSuccessAsync(Deadline);
        var connected = ClientEvent.Parse(back.Lines.First(ClientEvent.Named("connected")));
        Assert.True(connected.GetProperty("session_present").GetBoolean(), "Session Present on resuming a kept session");
        Assert.Equal(Enumerable.Range(0, 5).Select(i => $"queued {i}"), Messages(back).Select(ClientEvent.Payload));

        // Leave no session behind on an external broker: a clean connection with the same id ends it.
        await Clients.Paho("subscribe.py", "--version", version, "--client-id", id, "--topic", topic, "--count", "0")
            .ExpectSuccessAsync(Deadline);
    }

    /// <summary>QoS 2: 200 messages, each delivered exactly once and in order [MQTT-4.3.3], [MQTT-4.6.0-6].</summary>
    [InteropTheory(Tools.Paho)]
    [InlineData("311")]
    [InlineData("5")]
    public async Task Qos2_messages_arrive_exactly_once_in_order(string version)
    {
        const int count = 200;
        var run = Clients.Paho("numbered_stream.py", "--version", version, "--client-id", Names.ClientId("eo"),
            "--topic", Names.Topic("exactly-once"), "--qos", "2", "--count", $"{count}", "--timeout", "60");
        await run.ExpectSuccessAsync(TimeSpan.FromSeconds(90));

        var received = Messages(run).Select(ClientEvent.Parse).ToList();
        Assert.Equal(Enumerable.Range(0, count).Select(i => $"{i}"), received.Select(m => m.GetProperty("payload").GetString()));
        Assert.All(received, m => Assert.Equal(2, m.GetProperty("qos").GetInt32()));
    }

    /// <summary>Paho v5 user properties reach a paho v5 subscriber unaltered and in order [MQTT-3.3.2-17], [MQTT-3.3.2-18].</summary>
    [InteropFact(Tools.Paho)]
    public async Task MQTT_3_3_2_17_user_properties_from_paho_reach_a_paho_subscriber()
    {
        var topic = Names.Topic("paho-user-properties");
        var sub = await SubscribedAsync("--version", "5", "--topic", topic, "--count", "1");
        await Clients.Paho("publish.py", "--version", "5", "--topic", topic, "--message", "props",
            "--user-property", "unit", "celsius", "--user-property", "sensor", "t1", "--user-property", "unit", "kelvin")
            .ExpectSuccessAsync(Deadline);
        await sub.ExpectSuccessAsync(Deadline);

        var message = ClientEvent.Parse(Messages(sub).Single());
        var properties = message.GetProperty("user_properties").EnumerateArray()
            .Select(pair => $"{pair[0].GetString()}={pair[1].GetString()}").ToList();
        Assert.Equal(["unit=celsius", "sensor=t1", "unit=kelvin"], properties);
    }

    /// <summary>
    /// A paho v5 publisher sends the topic once with Topic Alias 1, then the alias alone: the broker resolves
    /// the alias, and the subscriber sees the full topic on every message.
    /// </summary>
    [InteropFact(Tools.Paho)]
    public async Task Topic_alias_from_a_paho_publisher_is_resolved_for_the_subscriber()
    {
        var topic = Names.Topic("paho-alias");
        var sub = await SubscribedAsync("--version", "5", "--topic", topic, "--count", "5");
        await Clients.Paho("publish.py", "--version", "5", "--topic", topic, "--qos", "1", "--count", "5",
            "--message", "aliased ", "--topic-alias", "1").ExpectSuccessAsync(Deadline);
        await sub.ExpectSuccessAsync(Deadline);

        var messages = Messages(sub).Select(ClientEvent.Parse).ToList();
        Assert.Equal(Enumerable.Range(0, 5).Select(i => $"aliased {i}"), messages.Select(m => m.GetProperty("payload").GetString()));
        Assert.All(messages, m => Assert.Equal(topic, m.GetProperty("topic").GetString()));
    }

    private async Task<CapturedProcess> SubscribedAsync(params string[] args)
    {
        var sub = Clients.Paho("subscribe.py", [.. args, "--client-id", Names.ClientId("watch")]);
        await sub.WaitForLineAsync(ClientEvent.Named("subscribed"), Deadline, "SUBACK");
        return sub;
    }

    private static List<string> Messages(CapturedProcess client) =>
        client.Lines.Where(ClientEvent.Named("message")).ToList();
}
