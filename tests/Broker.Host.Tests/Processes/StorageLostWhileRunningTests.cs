using System.Diagnostics;
using Broker.Host.Tests.EndToEnd.Support;
using Broker.Mqtt;
using Broker.Mqtt.Packets;

namespace Broker.Host.Tests.Processes;

/// <summary>
/// Issue 6, storage lost while the broker runs (a separate process; the storage broken and restored from a
/// connection of the test's own). A QoS 1/2 publish that needs storage is not acknowledged while it is gone
/// (5.0: PUBACK/PUBREC 0x80; 3.1.1: the connection is closed unacknowledged, so the client sends it again),
/// what needs no storage goes on, nothing acknowledged is lost, and the broker recovers by itself once the
/// storage is back: its persistent sessions are started again from storage, without a restart of the broker.
/// </summary>
public sealed class StorageLostWhileRunningTests
{
    /// <summary>The longest the broker may take to accept publishes again once its storage is back (restart back-off included).</summary>
    private static readonly TimeSpan RecoveryLimit = TimeSpan.FromSeconds(30);

    /// <summary>Between two tries of a refused publish, as a client backs off.</summary>
    private static readonly TimeSpan RetryInterval = TimeSpan.FromMilliseconds(100);

    [Fact]
    public Task Storage_lost_refuses_what_needs_it_and_the_broker_recovers_when_it_returns_on_sqlite() =>
        StorageLostAndRestoredAsync(postgres: false, StorageFault.TablesRenamed);

    [PostgresFact]
    public Task Storage_lost_refuses_what_needs_it_and_the_broker_recovers_when_it_returns_on_postgresql_tables_gone() =>
        StorageLostAndRestoredAsync(postgres: true, StorageFault.TablesRenamed);

    [PostgresFact]
    public Task Storage_lost_refuses_what_needs_it_and_the_broker_recovers_when_it_returns_on_postgresql_server_gone() =>
        StorageLostAndRestoredAsync(postgres: true, StorageFault.ConnectionsRefused);

    [Fact]
    public Task An_online_subscriber_loses_its_connection_with_the_storage_and_a_reconnect_during_the_loss_is_answered_once_it_returns_on_sqlite() =>
        OnlineSubscriberReconnectsAsync(postgres: false);

    [PostgresFact]
    public Task An_online_subscriber_loses_its_connection_with_the_storage_and_a_reconnect_during_the_loss_is_answered_once_it_returns_on_postgresql() =>
        OnlineSubscriberReconnectsAsync(postgres: true);

    [Fact]
    public Task A_persistent_publishers_QoS_2_refused_while_storage_is_lost_is_resent_after_and_delivered_once_on_sqlite() =>
        PersistentPublisherResendsAsync(postgres: false);

    [PostgresFact]
    public Task A_persistent_publishers_QoS_2_refused_while_storage_is_lost_is_resent_after_and_delivered_once_on_postgresql() =>
        PersistentPublisherResendsAsync(postgres: true);

    private static async Task StorageLostAndRestoredAsync(bool postgres, Func<BrokerProcess, StorageFault> faultOf)
    {
        await using var broker = postgres ? await BrokerProcess.StartPostgresAsync() : await BrokerProcess.StartAsync();
        var fault = faultOf(broker);
        await broker.SubscribeOfflineAsync("sub", "plant/#", QualityOfService.AtLeastOnce);
        var dashboard = await broker.ConnectAsync("dashboard"); // clean session: needs no storage
        await dashboard.SubscribeAsync("telemetry/#", QualityOfService.AtMostOnce);
        var publisher = await broker.ConnectAsync("pub5");

        // (a) Storage works: acknowledged once stored for the offline subscriber.
        await publisher.PublishManyAsync("plant/a", 5, QualityOfService.AtLeastOnce, "a");

        // (b) Storage lost.
        await fault.BreakAsync();
        await AssertRefusedAsync(publisher, "plant/b", "b-0", QualityOfService.AtLeastOnce, broker);
        await AssertRefusedAsync(publisher, "plant/b", "b-1", QualityOfService.ExactlyOnce, broker);
        await AssertRefusedAsync(publisher, "config/line1", "setpoint-1", QualityOfService.AtLeastOnce, broker, retain: true);

        // What reaches no durable session pays nothing: QoS 0 flows, and QoS 1 is acknowledged.
        await publisher.PublishAsync("telemetry/t1", "21.5");
        Assert.Equal("21.5", MqttTestClient.PayloadOf(await dashboard.ReceivePublishAsync()));
        await publisher.PublishAcknowledgedAsync("telemetry/t1", "21.6");
        Assert.Equal("21.6", MqttTestClient.PayloadOf(await dashboard.ReceivePublishAsync()));

        // A 3.1.1 PUBACK has no reason code: the connection is closed unacknowledged, and the client sends it again.
        var legacy = await broker.ConnectAsync("pub3", version: MqttProtocolVersion.V311);
        await legacy.PublishAsync("plant/v3", "v3-0", QualityOfService.AtLeastOnce);
        await legacy.ExpectClosedAsync();

        // (c) Storage back: without a restart of the broker, publishes are acknowledged again within a bounded time.
        await fault.RestoreAsync();
        await PublishUntilAcknowledgedAsync(publisher, "plant/c", "c-0", broker);
        await publisher.PublishManyAsync("plant/d", 5, QualityOfService.AtLeastOnce, "d");
        var resent = await broker.ConnectAsync("pub3", version: MqttProtocolVersion.V311);
        await resent.PublishAcknowledgedAsync("plant/v3", "v3-0");

        // (d) Every acknowledged message reaches the subscriber once, in order; the refused ones were never stored.
        var (subscriber, connAck) = await broker.ConnectPersistentAsync("sub");
        Assert.True(connAck.SessionPresent);
        string[] expected = ["a-0", "a-1", "a-2", "a-3", "a-4", "c-0", "d-0", "d-1", "d-2", "d-3", "d-4", "v3-0"];
        var deliveries = await subscriber.CollectAsync(expected.Length);
        Assert.Equal(expected, deliveries.Payloads);
        await subscriber.ExpectNothingAsync();
        Assert.False(broker.HasExited, broker.Output);
    }

    /// <summary>
    /// A persistent subscriber online when storage goes: the delivery it needs fails, so its session stops and its
    /// connection is closed, the message unsent (sending it would promise what storage does not hold). Its CONNECT
    /// while storage is still lost waits for the session to be started again; once storage is back it is answered
    /// Session Present 1, and what was acknowledged to the publisher after that is delivered, nothing twice.
    /// </summary>
    private static async Task OnlineSubscriberReconnectsAsync(bool postgres)
    {
        await using var broker = postgres ? await BrokerProcess.StartPostgresAsync() : await BrokerProcess.StartAsync();
        var fault = StorageFault.TablesRenamed(broker);
        var (subscriber, _) = await broker.ConnectPersistentAsync("sub");
        await subscriber.SubscribeAsync("plant/#", QualityOfService.AtLeastOnce);
        var publisher = await broker.ConnectAsync("pub5");
        await publisher.PublishManyAsync("plant/a", 3, QualityOfService.AtLeastOnce, "a");
        Assert.Equal(["a-0", "a-1", "a-2"], (await subscriber.CollectAsync(3)).Payloads);

        // Its PUBACKs are stored once a later SUBACK comes: that waits for the write of its SUBSCRIBE, made after theirs.
        await subscriber.SubscribeAsync("barrier/1", QualityOfService.AtLeastOnce);

        await fault.BreakAsync();
        await AssertRefusedAsync(publisher, "plant/b", "b-0", QualityOfService.AtLeastOnce, broker);
        await subscriber.ExpectClosedAsync();

        var reconnected = await broker.OpenAsync();
        await reconnected.SendAsync(new ConnectPacket
        {
            ClientId = "sub",
            CleanStart = false,
            ProtocolVersion = MqttProtocolVersion.V500,
            Properties = new Broker.Mqtt.Properties.MqttProperties { SessionExpiryInterval = DurableClients.SessionExpirySeconds },
        });
        await reconnected.ExpectNothingAsync(); // no CONNACK while the session cannot be read back

        await fault.RestoreAsync();
        var connAck = await reconnected.ReceiveAsync<ConnAckPacket>(RecoveryLimit);
        Assert.Equal(ReasonCode.Success, connAck.ReasonCode);
        Assert.True(connAck.SessionPresent);
        await PublishUntilAcknowledgedAsync(publisher, "plant/c", "c-0", broker);
        await publisher.PublishManyAsync("plant/d", 3, QualityOfService.AtLeastOnce, "d");
        Assert.Equal(["c-0", "d-0", "d-1", "d-2"], (await reconnected.CollectAsync(4)).Payloads);
        await reconnected.ExpectNothingAsync();
    }

    /// <summary>
    /// A publisher whose own session is durable needs storage for a QoS 2 PUBLISH twice: its packet id awaiting PUBREL
    /// and the subscriber's copy. While storage is lost it is not acknowledged: PUBREC 0x80, or, when its own session
    /// could not store the id, the connection closed (that session's state is then unknown). Sent again once storage
    /// is back, it is acknowledged and reaches the subscriber exactly once [MQTT-4.3.3-10].
    /// </summary>
    private static async Task PersistentPublisherResendsAsync(bool postgres)
    {
        await using var broker = postgres ? await BrokerProcess.StartPostgresAsync() : await BrokerProcess.StartAsync();
        var fault = StorageFault.TablesRenamed(broker);
        await broker.SubscribeOfflineAsync("sub", "plant/#", QualityOfService.ExactlyOnce);
        var (publisher, _) = await broker.ConnectPersistentAsync("pub");
        await publisher.PublishManyAsync("plant/a", 2, QualityOfService.ExactlyOnce, "a");

        await fault.BreakAsync();
        var packetId = await publisher.PublishAsync("plant/b", "b-0", QualityOfService.ExactlyOnce);
        var answer = await publisher.ReceiveOrCloseAsync();
        if (answer is not null)
        {
            var rec = Assert.IsType<PubRecPacket>(answer);
            Assert.Equal(packetId, rec.PacketId);
            Assert.Equal(ReasonCode.UnspecifiedError, rec.ReasonCode);
        }

        await fault.RestoreAsync();
        var clock = Stopwatch.StartNew();
        while (true)
        {
            // As a client does: reconnect if the connection was closed, and send the PUBLISH again, same packet id, DUP set.
            if (answer is null)
            {
                (publisher, var connAck) = await broker.ConnectPersistentAsync("pub");
                Assert.True(connAck.SessionPresent);
            }

            await publisher.SendAsync(new PublishPacket
            {
                Topic = "plant/b",
                QoS = QualityOfService.ExactlyOnce,
                PacketId = packetId,
                Dup = true,
                Payload = new System.Buffers.ReadOnlySequence<byte>("b-0"u8.ToArray()),
            });
            answer = await publisher.ReceiveOrCloseAsync();
            if (answer is PubRecPacket { ReasonCode: ReasonCode.Success } accepted)
            {
                Assert.Equal(packetId, accepted.PacketId);
                break;
            }

            Assert.True(answer is null or PubRecPacket { ReasonCode: ReasonCode.UnspecifiedError }, $"{answer}:\n{broker.Output}");
            Assert.True(clock.Elapsed < RecoveryLimit, $"Still refused {RecoveryLimit.TotalSeconds} s after the storage came back:\n{broker.Output}");
            await Task.Delay(RetryInterval);
        }

        await publisher.SendAsync(new PubRelPacket { PacketId = packetId });
        Assert.Equal(packetId, (await publisher.ReceiveAsync<PubCompPacket>()).PacketId);

        var (subscriber, _) = await broker.ConnectPersistentAsync("sub");
        var deliveries = await subscriber.CollectAsync(3);
        Assert.Equal(["a-0", "a-1", "b-0"], deliveries.Payloads);
        await subscriber.ExpectNothingAsync();
    }

    /// <summary>5.0: a QoS 1 PUBLISH is answered PUBACK 0x80, a QoS 2 one PUBREC 0x80 (which ends its exchange: no PUBREL follows).</summary>
    private static async Task AssertRefusedAsync(
        MqttTestClient publisher, string topic, string payload, QualityOfService qos, BrokerProcess broker, bool retain = false)
    {
        var packetId = await publisher.PublishAsync(topic, payload, qos, retain);
        var ack = await publisher.ReceiveAsync();
        var acknowledgement = Assert.IsAssignableFrom<PublishAcknowledgement>(ack);
        Assert.Equal(qos == QualityOfService.AtLeastOnce ? typeof(PubAckPacket) : typeof(PubRecPacket), ack.GetType());
        Assert.Equal(packetId, acknowledgement.PacketId);
        Assert.True(acknowledgement.ReasonCode == ReasonCode.UnspecifiedError, $"{ack} for {payload} with storage lost:\n{broker.Output}");
    }

    /// <summary>Sends the message as a client does after a refusal, until it is acknowledged; fails after <see cref="RecoveryLimit"/>.</summary>
    private static async Task PublishUntilAcknowledgedAsync(MqttTestClient publisher, string topic, string payload, BrokerProcess broker)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var packetId = await publisher.PublishAsync(topic, payload, QualityOfService.AtLeastOnce);
            var ack = await publisher.ReceiveAsync<PubAckPacket>();
            Assert.Equal(packetId, ack.PacketId);
            if (ack.ReasonCode == ReasonCode.Success)
            {
                return;
            }

            Assert.Equal(ReasonCode.UnspecifiedError, ack.ReasonCode);
            Assert.True(clock.Elapsed < RecoveryLimit, $"Still refused {RecoveryLimit.TotalSeconds} s after the storage came back:\n{broker.Output}");
            await Task.Delay(RetryInterval);
        }
    }
}
