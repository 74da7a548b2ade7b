using System.Buffers;
using System.Text;
using Broker.Host.Tests.EndToEnd.Support;
using Broker.Mqtt;
using Broker.Mqtt.Packets;

namespace Broker.Host.Tests.Processes;

/// <summary>
/// What the durability tests do with the test client: a subscriber whose session outlives its connection,
/// a publisher that sends many QoS 1/2 messages and waits for every acknowledgement, and a collector that
/// acknowledges what arrives as an application would and tells what reached the application.
/// </summary>
internal static class DurableClients
{
    /// <summary>Session expiry of the persistent sessions these helpers open: an hour, far beyond any test.</summary>
    public const uint SessionExpirySeconds = 3600;

    /// <summary>
    /// CONNECT of a session that outlives its connection: Clean Start 0 and Session Expiry Interval above 0
    /// on 5.0 [MQTT-3.1.2-23], Clean Session 0 on 3.1.1 [MQTT-3.1.2-4]. The CONNACK tells whether the broker had the session.
    /// </summary>
    public static async Task<(MqttTestClient Client, ConnAckPacket ConnAck)> ConnectPersistentAsync(
        this BrokerProcess broker, string clientId, MqttProtocolVersion version = MqttProtocolVersion.V500)
    {
        var client = await broker.OpenAsync(version);
        var connAck = await client.ConnectAsync(clientId, connect => connect with
        {
            CleanStart = false,
            Properties = version == MqttProtocolVersion.V500
                ? new Broker.Mqtt.Properties.MqttProperties { SessionExpiryInterval = SessionExpirySeconds }
                : connect.Properties,
        });
        return (client, connAck);
    }

    /// <summary>A persistent session subscribed to <paramref name="filter"/>, then disconnected (DISCONNECT, normal): offline from here on.</summary>
    public static async Task SubscribeOfflineAsync(
        this BrokerProcess broker, string clientId, string filter, QualityOfService qos, MqttProtocolVersion version = MqttProtocolVersion.V500)
    {
        var (client, _) = await broker.ConnectPersistentAsync(clientId, version);
        var subAck = await client.SubscribeAsync(filter, qos);
        Assert.Equal((byte)qos, (byte)subAck.ReasonCodes[0]);
        await client.DisconnectAsync();
        await client.ExpectClosedAsync();
    }

    /// <summary>"<paramref name="prefix"/>-0", "-1"...: payloads that say which message of a run they are.</summary>
    public static string Payload(string prefix, int index) => $"{prefix}-{index}";

    /// <summary>
    /// Publishes <paramref name="count"/> messages at <paramref name="qos"/> (1 or 2), at most
    /// <paramref name="window"/> unacknowledged at a time (never more than the broker's Receive Maximum
    /// [MQTT-3.3.4-7]), and returns once every one is acknowledged with success: PUBACK at QoS 1; PUBREC, then
    /// PUBREL answered by PUBCOMP at QoS 2.
    /// </summary>
    public static async Task PublishManyAsync(
        this MqttTestClient publisher, string topic, int count, QualityOfService qos,
        string payloadPrefix = "m", bool retain = false, int window = 50)
    {
        Assert.True(qos is QualityOfService.AtLeastOnce or QualityOfService.ExactlyOnce, "PublishManyAsync waits for acknowledgements: QoS 1 or 2");
        window = Math.Min(window, publisher.ServerReceiveMaximum);
        var unacknowledged = new HashSet<ushort>();
        var sent = 0;
        var completed = 0;
        while (completed < count)
        {
            while (sent < count && unacknowledged.Count < window)
            {
                unacknowledged.Add(await publisher.PublishAsync(topic, Payload(payloadPrefix, sent), qos, retain));
                sent++;
            }

            switch (await publisher.ReceiveAsync())
            {
                case PubAckPacket ack when qos == QualityOfService.AtLeastOnce:
                    AssertAcknowledged(ack, unacknowledged, completed);
                    unacknowledged.Remove(ack.PacketId);
                    completed++;
                    break;
                case PubRecPacket rec when qos == QualityOfService.ExactlyOnce:
                    AssertAcknowledged(rec, unacknowledged, completed);
                    await publisher.SendAsync(new PubRelPacket { PacketId = rec.PacketId });
                    break;
                case PubCompPacket comp when qos == QualityOfService.ExactlyOnce:
                    AssertAcknowledged(comp, unacknowledged, completed);
                    unacknowledged.Remove(comp.PacketId);
                    completed++;
                    break;
                case var other:
                    Assert.Fail($"Publishing at QoS {(int)qos}, {completed} of {count} acknowledged: unexpected {other}.");
                    break;
            }
        }
    }

    private static void AssertAcknowledged(PublishAcknowledgement ack, HashSet<ushort> unacknowledged, int completed)
    {
        Assert.True(unacknowledged.Contains(ack.PacketId), $"{ack} answers no PUBLISH in flight ({completed} acknowledged so far).");
        Assert.True((byte)ack.ReasonCode < 0x80, $"{ack} refused a PUBLISH ({completed} acknowledged so far).");
    }

    /// <summary>
    /// Receives until <paramref name="count"/> messages have reached the application, acknowledging each
    /// PUBLISH as a client does: PUBACK at QoS 1; PUBREC at QoS 2, and PUBCOMP for each PUBREL. A QoS 2
    /// PUBLISH whose packet id still awaits its PUBREL is the same message again and does not reach the
    /// application [MQTT-4.3.3-9] (5.0: [MQTT-4.3.3-10]). Returns once every QoS 2 exchange is complete (its
    /// PUBREL answered), so nothing of the run is left to arrive. Each wait is bounded by <see cref="MqttTestClient.Deadline"/>.
    /// </summary>
    public static async Task<Deliveries> CollectAsync(this MqttTestClient subscriber, int count)
    {
        var deliveries = new Deliveries();
        var awaitingRelease = new HashSet<ushort>();
        while (deliveries.Application.Count < count || awaitingRelease.Count > 0)
        {
            switch (await subscriber.ReceiveAsync())
            {
                case PublishPacket publish:
                    deliveries.Received(publish, awaitingRelease);
                    await AcknowledgeAsync(subscriber, publish);
                    break;
                case PubRelPacket rel:
                    awaitingRelease.Remove(rel.PacketId);
                    await subscriber.SendAsync(new PubCompPacket { PacketId = rel.PacketId });
                    break;
                case var other:
                    Assert.Fail($"Collecting, {deliveries.Application.Count} of {count} received: unexpected {other}.");
                    break;
            }
        }

        return deliveries;
    }

    private static Task AcknowledgeAsync(MqttTestClient subscriber, PublishPacket publish) => publish.QoS switch
    {
        QualityOfService.AtLeastOnce => subscriber.SendAsync(new PubAckPacket { PacketId = publish.PacketId }),
        QualityOfService.ExactlyOnce => subscriber.SendAsync(new PubRecPacket { PacketId = publish.PacketId }),
        _ => Task.CompletedTask,
    };
}

/// <summary>What a subscriber received: every PUBLISH as it came, and what of it reached the application.</summary>
internal sealed class Deliveries
{
    private readonly List<Delivery> _all = [];
    private readonly List<Delivery> _application = [];

    /// <summary>Every PUBLISH received, redeliveries (DUP) and QoS 2 repeats included.</summary>
    public IReadOnlyList<Delivery> All => _all;

    /// <summary>The messages an application would have been given, in order.</summary>
    public IReadOnlyList<Delivery> Application => _application;

    public IEnumerable<string> Payloads => _application.Select(d => d.Payload);

    /// <summary>Payloads that reached the application more than once.</summary>
    public IReadOnlyList<string> Duplicates => _application.GroupBy(d => d.Payload).Where(g => g.Count() > 1).Select(g => g.Key).ToList();

    /// <summary>Which of "<paramref name="prefix"/>-0" to "-(count-1)" never reached the application.</summary>
    public IReadOnlyList<string> Missing(string prefix, int count)
    {
        var seen = Payloads.ToHashSet(StringComparer.Ordinal);
        return Enumerable.Range(0, count).Select(i => DurableClients.Payload(prefix, i)).Where(p => !seen.Contains(p)).ToList();
    }

    internal void Received(PublishPacket publish, HashSet<ushort> awaitingRelease)
    {
        var delivery = new Delivery(publish.Topic, Encoding.UTF8.GetString(publish.Payload.ToArray()), publish.QoS, publish.Dup, publish.Retain, publish.PacketId);
        _all.Add(delivery);
        if (publish.QoS != QualityOfService.ExactlyOnce || awaitingRelease.Add(publish.PacketId))
        {
            _application.Add(delivery);
        }
    }
}

internal sealed record Delivery(string Topic, string Payload, QualityOfService QoS, bool Dup, bool Retain, ushort PacketId);
