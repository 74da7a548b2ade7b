using Broker.Interop.Tests.Infrastructure;

namespace Broker.Interop.Tests;

/// <summary>
/// Eclipse Mosquitto's command-line clients (Debian's mosquitto-clients) against the broker: every QoS in
/// every protocol version, retained messages, user properties, persistent sessions.
/// </summary>
public sealed class MosquittoClientsTests(InteropBroker broker, ITestOutputHelper output) : InteropTest(broker, output)
{
    private const int Messages = 10;

    public static TheoryData<string, int> VersionsAndQos()
    {
        var data = new TheoryData<string, int>();
        foreach (var version in new[] { "mqttv5", "mqttv311", "mqttv31" })
        {
            foreach (var qos in new[] { 0, 1, 2 })
                data.Add(version, qos);
        }
        return data;
    }

    /// <summary>One publisher on one topic: delivered in order [MQTT-4.6.0-6], at the QoS both sides asked for.</summary>
    [InteropTheory(Tools.MosquittoSub, Tools.MosquittoPub)]
    [MemberData(nameof(VersionsAndQos))]
    public async Task Mosquitto_pub_reaches_mosquitto_sub_in_order_at_the_requested_qos(string version, int qos)
    {
        var topic = Names.Topic("pubsub");
        var sub = await SubscribedAsync("-V", version, "-q", $"{qos}", "-t", topic, "-C", $"{Messages}");

        // -d shows when the connection is up: lines written earlier are at mosquitto_pub's mercy (at QoS 0 it
        // may reach end of input and disconnect before it has sent what it read while connecting).
        var pub = Clients.MosquittoPub("-d", "-V", version, "-q", $"{qos}", "-t", topic, "-l");
        await pub.WaitForLineAsync(line => line.Contains("received CONNACK", StringComparison.Ordinal), Deadline, "mosquitto_pub's CONNACK");
        for (var i = 0; i < Messages; i++)
            await pub.Input.WriteLineAsync($"message {i}");
        pub.Input.Close();
        await pub.ExpectSuccessAsync(Deadline);
        await sub.ExpectSuccessAsync(Deadline);

        var received = MessagesOf(sub);
        Assert.Equal(Enumerable.Range(0, Messages).Select(i => $"message {i}"), received.Select(m => m.Payload));
        Assert.All(received, m => Assert.Equal(qos, m.Qos));
        Assert.All(received, m => Assert.Equal(topic, m.Topic));
    }

    /// <summary>
    /// A new subscription gets the topic's retained message (3.1.1 [MQTT-3.3.1-6]); a retained PUBLISH with an
    /// empty payload removes it, so a later subscriber gets nothing (3.1.1 [MQTT-3.3.1-10]).
    /// </summary>
    [InteropFact(Tools.MosquittoSub, Tools.MosquittoPub)]
    public async Task MQTT_3_3_1_6_retained_message_reaches_a_later_subscriber_until_an_empty_retained_publish_clears_it()
    {
        var topic = Names.Topic("retained");
        await Clients.MosquittoPub("-q", "1", "-t", topic, "-r", "-m", "kept").ExpectSuccessAsync(Deadline);

        var later = Clients.MosquittoSub("-q", "1", "-t", topic, "-C", "1", "-F", MosquittoSubLine.Format);
        await later.ExpectSuccessAsync(Deadline);
        var retained = Assert.Single(MessagesOf(later));
        Assert.Equal("kept", retained.Payload);
        Assert.True(retained.Retained, "a message sent because of a new subscription has RETAIN set [MQTT-3.3.1-8]");

        await Clients.MosquittoPub("-q", "1", "-t", topic, "-r", "-n").ExpectSuccessAsync(Deadline);

        // --retained-only prints retained messages and exits at the first live one; the live one is published
        // after the SUBACK, so a retained message still stored would have been sent before it.
        var after = await SubscribedAsync("-q", "1", "-t", topic, "--retained-only");
        await Clients.MosquittoPub("-q", "1", "-t", topic, "-m", "live").ExpectSuccessAsync(Deadline);
        await after.ExpectSuccessAsync(Deadline);
        Assert.Empty(MessagesOf(after));
    }

    /// <summary>The broker forwards user properties unaltered and in order [MQTT-3.3.2-17], [MQTT-3.3.2-18].</summary>
    [InteropFact(Tools.MosquittoSub, Tools.MosquittoPub)]
    public async Task MQTT_3_3_2_17_user_properties_set_by_mosquitto_pub_reach_mosquitto_sub_in_order()
    {
        var topic = Names.Topic("user-properties");
        var sub = await SubscribedAsync("-V", "mqttv5", "-q", "1", "-t", topic, "-C", "1");
        await Clients.MosquittoPub("-V", "mqttv5", "-q", "1", "-t", topic, "-m", "with properties",
            "-D", "publish", "user-property", "plant", "building2",
            "-D", "publish", "user-property", "line", "7",
            "-D", "publish", "user-property", "plant", "again").ExpectSuccessAsync(Deadline);
        await sub.ExpectSuccessAsync(Deadline);

        var message = Assert.Single(MessagesOf(sub));
        Assert.Equal("with properties", message.Payload);
        Assert.Equal("plant:building2 line:7 plant:again", message.UserProperties);
    }

    /// <summary>
    /// A session kept across connections (clean session 0, or an MQTT 5 session expiry) stores the QoS 1
    /// messages that match its subscriptions while the client is away [MQTT-3.1.2-5] and delivers them when it
    /// comes back with the same client id.
    /// </summary>
    [InteropTheory(Tools.MosquittoSub, Tools.MosquittoPub)]
    [InlineData("mqttv311")]
    [InlineData("mqttv5")]
    public async Task MQTT_3_1_2_5_persistent_session_receives_qos1_messages_queued_while_offline(string version)
    {
        var topic = Names.Topic("persistent");
        var id = Names.ClientId("mqsub");
        // -E: exit once the subscription is acknowledged, leaving the session (and its subscription) behind.
        await Clients.MosquittoSub("-V", version, "-c", "-i", id, "-q", "1", "-t", topic, "-E").ExpectSuccessAsync(Deadline);

        var pub = Clients.MosquittoPub("-V", version, "-q", "1", "-t", topic, "-l");
        for (var i = 0; i < 5; i++)
            await pub.Input.WriteLineAsync($"queued {i}");
        pub.Input.Close();
        await pub.ExpectSuccessAsync(Deadline);

        // Back without subscribing again: only the kept session can deliver these.
        var back = Clients.MosquittoSub("-V", version, "-c", "-i", id, "-q", "1", "-t", topic, "-C", "5",
            "-F", MosquittoSubLine.Format);
        await back.ExpectSuccessAsync(Deadline);
        Assert.Equal(Enumerable.Range(0, 5).Select(i => $"queued {i}"), MessagesOf(back).Select(m => m.Payload));
        Assert.All(MessagesOf(back), m => Assert.Equal(1, m.Qos));

        // Clean up the session so that an external broker does not keep it.
        await Clients.MosquittoSub("-V", version, "-i", id, "-t", topic, "-E").ExpectSuccessAsync(Deadline);
    }

    /// <summary>
    /// The broker's $SYS topics, as EMQX publishes them: mosquitto_sub on <c>$SYS/#</c> gets the retained version,
    /// and the connected event of a mosquitto_pub, as JSON naming its client id.
    /// </summary>
    [InteropFact(Tools.MosquittoSub, Tools.MosquittoPub, OursOnly = true)]
    public async Task Mosquitto_sub_on_sys_gets_the_retained_version_and_a_clients_connected_event()
    {
        // --retained-only prints the retained messages and exits at the first live one, which mosquitto_pub's connect makes.
        var retained = await SubscribedAsync("-t", "$SYS/#", "--retained-only");
        await Clients.MosquittoPub("-t", Names.Topic("sys"), "-m", "x").ExpectSuccessAsync(Deadline);
        await retained.ExpectSuccessAsync(Deadline);
        var version = Assert.Single(MessagesOf(retained), m => m.Topic.StartsWith("$SYS/brokers/", StringComparison.Ordinal) && m.Topic.EndsWith("/version", StringComparison.Ordinal));
        Assert.True(version.Retained);
        Assert.Matches(@"^\d+\.\d+\.\d+", version.Payload);

        var id = Names.ClientId("sys-pub");
        // $SYS/# also holds the retained ones: -R leaves them out, so the first message is a live one; with the default
        // 30 s heartbeat an uptime may come first only if one falls in these few milliseconds, so the topic is narrowed.
        var events = await SubscribedAsync("-t", $"$SYS/brokers/+/clients/{id}/#", "-C", "1", "-R");
        await Clients.MosquittoPub("-i", id, "-t", Names.Topic("sys"), "-m", "x").ExpectSuccessAsync(Deadline);
        await events.ExpectSuccessAsync(Deadline);
        var connected = Assert.Single(MessagesOf(events));
        Assert.EndsWith($"/clients/{id}/connected", connected.Topic, StringComparison.Ordinal);
        Assert.Contains($"\"clientid\":\"{id}\"", connected.Payload, StringComparison.Ordinal);
    }

    /// <summary>mosquitto_sub, started and waited for until the broker acknowledged its subscription.</summary>
    private async Task<CapturedProcess> SubscribedAsync(params string[] args)
    {
        var sub = Clients.MosquittoSub(["-d", "-F", MosquittoSubLine.Format, .. args]);
        await sub.WaitForLineAsync(MosquittoSubLine.IsSuback, Deadline, "SUBACK");
        return sub;
    }

    private static List<MosquittoSubLine> MessagesOf(CapturedProcess sub) =>
        sub.Lines.Where(MosquittoSubLine.IsMessage).Select(MosquittoSubLine.Parse).ToList();
}
