using System.Buffers;
using System.Net;
using Broker.Actors;
using Broker.Actors.TestKit;
using Broker.Core.Messaging;
using Broker.Core.Sessions;
using Broker.Mqtt;
using Broker.Mqtt.Packets;
using Broker.Mqtt.Properties;
using Broker.Mqtt.Tests.Codec.Support;
using Broker.Transport.Connections;
using Broker.Transport.Tests.Connections.Support;
using Microsoft.Extensions.Logging.Abstractions;

namespace Broker.Transport.Tests.Connections;

/// <summary>
/// Whole connections over an in-memory duplex pipe, with real encoded bytes, a fake session registry
/// and a probe in place of the session; time is the test kit's manual clock.
/// </summary>
public sealed class MqttConnectionTests : ActorTestKit
{
    private static readonly ConnectionMetadata Metadata = new("tcp", new IPEndPoint(IPAddress.Loopback, 40000), new IPEndPoint(IPAddress.Loopback, 1883));

    private readonly TestProbe _session;
    private readonly TestProbe _opened;

    public MqttConnectionTests()
    {
        _session = CreateTestProbe("session");
        _opened = CreateTestProbe("opened");
    }

    [Fact]
    public async Task CONNECT_opens_a_session_whose_CONNACK_reaches_the_client()
    {
        var (client, _, running) = Start();

        await client.SendAsync(Connect());

        var open = _opened.ExpectMsg<OpenSession>();
        Assert.Equal("client-1", open.Request.ClientId);
        Assert.Equal(MqttProtocolVersion.V500, open.Connection.ProtocolVersion);
        Assert.Equal(ReasonCode.Success, (await client.ReceiveAsync<ConnAckPacket>()).ReasonCode);
        await client.SendAsync(DisconnectPacket.Normal);
        await running;
    }

    [Fact]
    public async Task MQTT_3_12_4_1_PINGREQ_is_answered_with_PINGRESP_bytes()
    {
        var (client, _, running) = Start();
        await ConnectAsync(client);

        await client.SendRawAsync([0xC0, 0x00]);

        Assert.Equal(new byte[] { 0xD0, 0x00 }, await client.ReceiveBytesAsync(2));
        await client.HangUpAsync();
        await running;
    }

    [Fact]
    public async Task A_PUBLISH_reaches_the_session_with_its_payload_and_is_counted()
    {
        var (client, context, running) = Start();
        await ConnectAsync(client);

        await client.SendAsync(new PublishPacket { Topic = "a/b", QoS = QualityOfService.AtLeastOnce, PacketId = 5, Payload = new ReadOnlySequence<byte>("hi"u8.ToArray()) });

        var publish = _session.ExpectMsg<ClientPublish>();
        Assert.Equal("a/b", publish.Message.Topic);
        Assert.Equal("hi"u8.ToArray(), publish.Message.Payload.ToArray());
        Assert.Equal(5, publish.PacketId);
        Assert.Equal(1, context.Metrics.MessagesReceived);
        await client.HangUpAsync();
        await running;
    }

    [Fact]
    public async Task Packets_sent_in_a_burst_are_written_in_order_in_few_flushes()
    {
        // The client reads nothing until everything is queued, so the writer's first flush waits and the rest batch up.
        var (client, _, running) = Start(pauseWriterThreshold: 64);
        var connection = await ConnectAsync(client);
        var sent = Enumerable.Range(0, 500).Select(i => new PublishPacket
        {
            Topic = $"t/{i % 7}",
            QoS = QualityOfService.AtLeastOnce,
            PacketId = (ushort)(i + 1),
            Payload = new ReadOnlySequence<byte>(BitConverter.GetBytes(i)),
        }).ToList();

        foreach (var packet in sent)
        {
            connection.Send(packet);
        }

        foreach (var expected in sent)
        {
            var received = await client.ReceiveAsync<PublishPacket>();
            Assert.Equal(expected.Topic, received.Topic);
            Assert.Equal(expected.PacketId, received.PacketId);
            Assert.Equal(expected.Payload.ToArray(), received.Payload.ToArray());
        }

        // CONNACK's flush, the one that waited for the client, and the batch(es) of what queued meanwhile.
        Assert.InRange(client.ServerFlushes, 2, 10);
        await client.HangUpAsync();
        await running;
    }

    [Fact]
    public async Task A_connection_above_its_high_water_mark_is_unwritable_until_drained_then_tells_the_session()
    {
        var (client, _, running) = Start(pauseWriterThreshold: 64);
        var connection = await ConnectAsync(client);
        Assert.True(connection.IsWritable);

        for (var i = 0; i < MqttConnection.HighWaterPackets + 10; i++)
        {
            connection.Send(PingRespPacket.Instance);
        }

        Assert.False(connection.IsWritable);
        for (var i = 0; i < MqttConnection.HighWaterPackets + 10; i++)
        {
            await client.ReceiveAsync<PingRespPacket>();
        }

        Assert.Same(connection, _session.ExpectMsg<ConnectionWritable>().Connection);
        Assert.True(connection.IsWritable);
        await client.HangUpAsync();
        await running;
    }

    [Fact]
    public async Task A_PUBLISH_the_channel_finds_too_large_for_the_client_is_not_written_and_is_counted()
    {
        var (client, context, running) = Start();
        var connection = await ConnectAsync(client, new MqttProperties { MaximumPacketSize = 64 });

        connection.Send(new PublishPacket { Topic = "big", Payload = new ReadOnlySequence<byte>(new byte[100]) });
        connection.Send(new PublishPacket { Topic = "small", Payload = new ReadOnlySequence<byte>(new byte[10]) });

        Assert.Equal("small", (await client.ReceiveAsync<PublishPacket>()).Topic);
        Assert.Equal(1, context.Metrics.Dropped(DropReason.TooLarge));
        await client.HangUpAsync();
        await running;
    }

    [Fact]
    public async Task Close_with_a_reason_writes_DISCONNECT_then_ends_and_the_session_hears_it_once()
    {
        var (client, _, running) = Start();
        var connection = await ConnectAsync(client);

        connection.Close(ReasonCode.SessionTakenOver);
        connection.Close(ReasonCode.SessionTakenOver);

        Assert.Equal(ReasonCode.SessionTakenOver, (await client.ReceiveAsync<DisconnectPacket>()).ReasonCode);
        await client.ExpectClosedAsync();
        await running;
        Assert.Equal(DisconnectKind.Abnormal, _session.ExpectMsg<ClientDisconnected>().Kind);
        _session.ExpectNoMsg(TimeSpan.FromMilliseconds(100));
    }

    [Fact]
    public async Task MQTT_3_14_4_3_a_client_DISCONNECT_is_a_normal_disconnect()
    {
        var (client, _, running) = Start();
        await ConnectAsync(client);

        await client.SendAsync(DisconnectPacket.Normal);

        await running;
        var disconnected = _session.ExpectMsg<ClientDisconnected>();
        Assert.Equal(DisconnectKind.Normal, disconnected.Kind);
        await client.ExpectClosedAsync();
    }

    [Fact]
    public async Task A_client_that_hangs_up_without_DISCONNECT_is_an_abnormal_disconnect()
    {
        var (client, _, running) = Start();
        await ConnectAsync(client);

        await client.HangUpAsync();

        await running;
        Assert.Equal(DisconnectKind.Abnormal, _session.ExpectMsg<ClientDisconnected>().Kind);
    }

    [Fact]
    public async Task Malformed_bytes_get_DISCONNECT_0x81_on_5_0_and_one_abnormal_disconnect()
    {
        var (client, context, running) = Start();
        await ConnectAsync(client);

        // PUBLISH with QoS 3 [MQTT-3.3.1-4].
        await client.SendRawAsync([0x36, 0x05, 0x00, 0x01, (byte)'t', 0x00, 0x01]);

        Assert.Equal(ReasonCode.MalformedPacket, (await client.ReceiveAsync<DisconnectPacket>()).ReasonCode);
        await client.ExpectClosedAsync();
        await running;
        Assert.Equal(DisconnectKind.Abnormal, _session.ExpectMsg<ClientDisconnected>().Kind);
        _session.ExpectNoMsg(TimeSpan.FromMilliseconds(100));
        Assert.Equal(1, context.Metrics.MalformedPackets);
    }

    [Fact]
    public async Task MQTT_3_1_2_2_an_unsupported_protocol_level_gets_return_code_1_and_is_closed()
    {
        var (client, context, running) = Start();

        // CONNECT "MQTT" level 6.
        await client.SendRawAsync([0x10, 0x0C, 0x00, 0x04, (byte)'M', (byte)'Q', (byte)'T', (byte)'T', 0x06, 0x02, 0x00, 0x3C, 0x00, 0x00]);

        Assert.Equal(new byte[] { 0x20, 0x02, 0x00, 0x01 }, await client.ReceiveBytesAsync(4));
        await client.ExpectClosedAsync();
        await running;
        Assert.Equal(1, context.Metrics.ConnectionsRefused);
        _opened.ExpectNoMsg(TimeSpan.FromMilliseconds(50));
    }

    [Fact]
    public async Task MQTT_3_1_2_24_keep_alive_expiry_closes_with_DISCONNECT_0x8D()
    {
        var (client, _, running) = Start();
        await ConnectAsync(client, keepAlive: 10);

        Time.Advance(TimeSpan.FromSeconds(15));
        await client.SendAsync(PingReqPacket.Instance);
        await client.ReceiveAsync<PingRespPacket>(); // still open at exactly 1.5 periods, and the ping counts as activity

        Time.Advance(TimeSpan.FromSeconds(15));
        await client.SendAsync(PingReqPacket.Instance);
        await client.ReceiveAsync<PingRespPacket>();

        Time.Advance(TimeSpan.FromMilliseconds(15_001));
        Assert.Equal(ReasonCode.KeepAliveTimeout, (await client.ReceiveAsync<DisconnectPacket>()).ReasonCode);
        await client.ExpectClosedAsync();
        await running;
        Assert.Equal(DisconnectKind.Abnormal, _session.ExpectMsg<ClientDisconnected>().Kind);
    }

    [Fact]
    public async Task MQTT_3_1_2_24_a_keep_alive_shorter_than_the_idle_timeout_is_enforced_from_CONNECT()
    {
        var (client, _, running) = Start(MqttSettings.Default with { IdleTimeout = TimeSpan.FromSeconds(15) });
        await ConnectAsync(client, keepAlive: 2);

        // The timer set for the idle timeout before CONNECT must not be the one that ends this client.
        Time.Advance(TimeSpan.FromMilliseconds(3_001));

        Assert.Equal(ReasonCode.KeepAliveTimeout, (await client.ReceiveAsync<DisconnectPacket>()).ReasonCode);
        await client.ExpectClosedAsync();
        await running;
    }

    [Fact]
    public async Task A_connection_that_never_sends_CONNECT_is_dropped_after_the_idle_timeout()
    {
        var (client, _, running) = Start(MqttSettings.Default with { IdleTimeout = TimeSpan.FromSeconds(5) });

        Time.Advance(TimeSpan.FromMilliseconds(5_001));

        await client.ExpectClosedAsync();
        await running;
        _opened.ExpectNoMsg(TimeSpan.FromMilliseconds(50));
    }

    [Fact]
    public async Task A_session_registry_that_does_not_answer_within_30_s_gets_the_connection_closed()
    {
        var context = new BrokerContext
        {
            System = Sys,
            Sessions = _opened.Ref, // records the OpenSession and never answers
            Router = new NoRouter(),
            Settings = MqttSettings.Default with { IdleTimeout = TimeSpan.FromSeconds(60) },
            Metrics = new BrokerMetrics(),
            LoggerFactory = NullLoggerFactory.Instance,
        };
        var (client, _, running) = Start(context: context);
        await client.SendAsync(Connect(keepAlive: 0));
        var open = _opened.ExpectMsg<OpenSession>();

        Time.Advance(TimeSpan.FromMilliseconds(29_999));
        Assert.False(open.Connection.IsClosed);
        Time.Advance(TimeSpan.FromMilliseconds(1));

        await client.ExpectClosedAsync();
        await running;
        Assert.True(open.Connection.IsClosed); // what a session answering now checks, to treat it as gone
        Assert.Equal(0, context.Metrics.ConnectionsAccepted);
    }

    [Fact]
    public async Task MQTT_3_14_0_1_a_keep_alive_expiry_while_the_session_opens_writes_no_DISCONNECT_before_the_CONNACK()
    {
        var context = new BrokerContext
        {
            System = Sys,
            Sessions = _opened.Ref, // records the OpenSession and never answers
            Router = new NoRouter(),
            Settings = MqttSettings.Default with { IdleTimeout = TimeSpan.FromSeconds(15) },
            Metrics = new BrokerMetrics(),
            LoggerFactory = NullLoggerFactory.Instance,
        };
        var (client, _, running) = Start(context: context);
        await client.SendAsync(Connect(keepAlive: 10));
        _opened.ExpectMsg<OpenSession>();

        // The channel closes on keep-alive (DISCONNECT 0x8D on 5.0), but no CONNACK went out: nothing is written.
        Time.Advance(TimeSpan.FromMilliseconds(15_001));
        Time.Advance(TimeSpan.FromMilliseconds(15_000));

        await client.ExpectClosedAsync();
        await running;
    }

    [Fact]
    public async Task CloseAll_sends_server_shutting_down_and_waits_for_every_connection()
    {
        var (first, context, firstRunning) = Start();
        var (second, _, secondRunning) = Start(context: context);
        await ConnectAsync(first);
        await ConnectAsync(second);
        Assert.Equal(2, context.Connections.Count);

        var closing = context.Connections.CloseAllAsync(ReasonCode.ServerShuttingDown, TimeSpan.FromSeconds(5));

        Assert.Equal(ReasonCode.ServerShuttingDown, (await first.ReceiveAsync<DisconnectPacket>()).ReasonCode);
        Assert.Equal(ReasonCode.ServerShuttingDown, (await second.ReceiveAsync<DisconnectPacket>()).ReasonCode);
        Assert.True(await closing);
        await Task.WhenAll(firstRunning, secondRunning);
        Assert.Equal(0, context.Connections.Count);
    }

    [Fact]
    public async Task A_connection_waiting_for_inbound_credit_ends_when_the_transport_aborts()
    {
        using var aborted = new CancellationTokenSource();
        var (client, _, running) = Start(aborted: aborted.Token);
        await ConnectAsync(client);
        var publish = Wire.Encode(new PublishPacket { Topic = "a", Payload = new ReadOnlySequence<byte>("x"u8.ToArray()) }, MqttProtocolVersion.V500);
        var burst = new byte[publish.Length * MqttConnection.InboundHighWater];
        for (var i = 0; i < MqttConnection.InboundHighWater; i++)
        {
            publish.CopyTo(burst, i * publish.Length);
        }

        // The probe never returns the credit: reading stops at the high-water mark.
        await client.SendRawAsync(burst);
        for (var i = 0; i < MqttConnection.InboundHighWater; i++)
        {
            _session.ExpectMsg<ClientPublish>();
        }

        await client.HangUpAsync();
        await aborted.CancelAsync();

        await running;
    }

    /// <summary>messages_rate 2, burst 2: the third PUBLISH runs into debt, and reading waits until the rate has paid it back.</summary>
    [Fact]
    public async Task A_client_over_its_messages_rate_is_read_more_slowly_not_disconnected()
    {
        var context = new BrokerContext
        {
            System = Sys,
            Sessions = Sys.ActorOf(Props.Create(() => new FakeSessionRegistry(_session.Ref, _opened.Ref))),
            Router = new NoRouter(),
            Settings = MqttSettings.Default,
            Metrics = new BrokerMetrics(),
            LoggerFactory = NullLoggerFactory.Instance,
            Limits = new Dictionary<string, ListenerLimits> { ["tcp"] = new(null, MessagesRate: 2, MessagesBurst: 2, BytesRate: 0, BytesBurst: 0) },
        };
        var (client, _, running) = Start(context: context);
        await ConnectAsync(client);

        for (ushort i = 1; i <= 5; i++)
        {
            await client.SendAsync(new PublishPacket { Topic = "a/b", QoS = QualityOfService.AtMostOnce, Payload = new ReadOnlySequence<byte>("x"u8.ToArray()) });
        }

        for (var i = 0; i < 3; i++)
        {
            _session.ExpectMsg<ClientPublish>();
        }

        _session.ExpectNoMsg(TimeSpan.FromMilliseconds(200));
        Time.Advance(TimeSpan.FromMilliseconds(500));
        _session.ExpectMsg<ClientPublish>();
        _session.ExpectNoMsg(TimeSpan.FromMilliseconds(200));
        Time.Advance(TimeSpan.FromMilliseconds(500));
        _session.ExpectMsg<ClientPublish>();
        Assert.False(running.IsCompleted, "still connected");
        // The fifth left a debt too: the read loop notices the hang-up once it is paid back. The clock moves until it
        // has: the loop may not be waiting on its timer yet when the clock first moves (a loaded machine's pool).
        await client.HangUpAsync();
        for (var i = 0; i < 100 && !running.IsCompleted; i++)
        {
            Time.Advance(TimeSpan.FromMilliseconds(500));
            await Task.WhenAny(running, Task.Delay(50));
        }

        await running;
    }

    private (TestClient Client, BrokerContext Context, Task Running) Start(
        MqttSettings? settings = null,
        long pauseWriterThreshold = 65536,
        BrokerContext? context = null,
        MqttProtocolVersion version = MqttProtocolVersion.V500,
        CancellationToken aborted = default)
    {
        context ??= new BrokerContext
        {
            System = Sys,
            Sessions = Sys.ActorOf(Props.Create(() => new FakeSessionRegistry(_session.Ref, _opened.Ref))),
            Router = new NoRouter(),
            Settings = settings ?? MqttSettings.Default,
            Metrics = new BrokerMetrics(),
            LoggerFactory = NullLoggerFactory.Instance,
        };
        var client = new TestClient(version, pauseWriterThreshold);
        var running = MqttConnection.RunAsync(client.ServerSide, Metadata, context, aborted);
        return (client, context, running.WaitAsync(DefaultTimeout));
    }

    private async Task<IClientConnection> ConnectAsync(TestClient client, MqttProperties? properties = null, ushort keepAlive = 60)
    {
        await client.SendAsync(Connect(properties, keepAlive));
        var open = _opened.ExpectMsg<OpenSession>();
        Assert.Equal(ReasonCode.Success, (await client.ReceiveAsync<ConnAckPacket>()).ReasonCode);
        return open.Connection;
    }

    private static ConnectPacket Connect(MqttProperties? properties = null, ushort keepAlive = 60) => new()
    {
        ProtocolVersion = MqttProtocolVersion.V500,
        ClientId = "client-1",
        CleanStart = true,
        KeepAlive = keepAlive,
        Properties = properties ?? MqttProperties.Empty,
    };
}
