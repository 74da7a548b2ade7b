using System.Buffers;
using System.Net;
using Broker.Actors;
using Broker.Actors.TestKit;
using Broker.Core.Messaging;
using Broker.Core.Security.Authorization;
using Broker.Core.Sessions;
using Broker.Mqtt;
using Broker.Mqtt.Packets;
using Broker.Mqtt.Properties;
using Broker.Mqtt.Tests.Codec.Support;
using Broker.Transport.Channels;
using Broker.Transport.Connections;
using Broker.Transport.Tests.Channels.Support;
using Broker.Transport.Tests.Connections.Support;
using Microsoft.Extensions.Logging.Abstractions;

namespace Broker.Transport.Tests.Connections;

/// <summary>
/// A whole connection whose checks wait for a source that needs I/O: reading stops while a check waits, so the
/// client's packets reach the session in the order sent, and the wait does not count as the client being idle.
/// </summary>
public sealed class AsyncAuthorizationConnectionTests : ActorTestKit
{
    private static readonly ConnectionMetadata Metadata = new("tcp", new IPEndPoint(IPAddress.Loopback, 40000), new IPEndPoint(IPAddress.Loopback, 1883));

    private readonly TestProbe _session;
    private readonly TestProbe _opened;

    // The service answers slow/... when the test says, everything else at once; it allows all.
    private readonly TaskCompletionSource _slowAsked = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource<AclDecision> _slowAnswer = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly ServiceSource _service;

    public AsyncAuthorizationConnectionTests()
    {
        _session = CreateTestProbe("session");
        _opened = CreateTestProbe("opened");
        _service = new ServiceSource((_, topic) =>
        {
            if (!topic.StartsWith("slow/", StringComparison.Ordinal))
            {
                return ValueTask.FromResult(AclDecision.Allow);
            }

            _slowAsked.TrySetResult();
            return new ValueTask<AclDecision>(_slowAnswer.Task);
        });
    }

    [Fact]
    public async Task A_packet_after_one_that_waits_is_read_only_once_the_first_is_decided()
    {
        var (client, running) = Start();
        await ConnectAsync(client, keepAlive: 60);

        // One write: both are in the connection's buffer before the first check starts.
        await client.SendRawAsync([.. Wire.Encode(Publish("slow/1", 1), MqttProtocolVersion.V500), .. Wire.Encode(Publish("fast/2", 2), MqttProtocolVersion.V500)]);
        await _slowAsked.Task.WaitAsync(DefaultTimeout);

        Assert.Equal(["slow/1"], _service.Asked);
        _slowAnswer.SetResult(AclDecision.Allow);

        Assert.Equal((ushort)1, _session.ExpectMsg<ClientPublish>().PacketId);
        Assert.Equal((ushort)2, _session.ExpectMsg<ClientPublish>().PacketId);
        Assert.Equal(["slow/1", "fast/2"], _service.Asked);
        await client.HangUpAsync();
        await running;
    }

    [Fact]
    public async Task A_subscribe_that_waits_is_answered_after_it_and_a_later_ping_after_that()
    {
        var (client, running) = Start();
        await ConnectAsync(client, keepAlive: 60);

        await client.SendRawAsync([.. Wire.Encode(Subscribe("fast/a", "slow/b"), MqttProtocolVersion.V500), .. Wire.Encode(PingReqPacket.Instance, MqttProtocolVersion.V500)]);
        await _slowAsked.Task.WaitAsync(DefaultTimeout);
        _slowAnswer.SetResult(AclDecision.Deny);

        Assert.Equal(new ReasonCode?[] { null, ReasonCode.NotAuthorized }, _session.ExpectMsg<ClientSubscribe>().Refused);
        await client.ReceiveAsync<PingRespPacket>();
        await client.HangUpAsync();
        await running;
    }

    [Fact]
    public async Task MQTT_3_1_2_24_a_client_held_by_a_slow_check_is_not_closed_for_its_keep_alive()
    {
        var (client, running) = Start();
        await ConnectAsync(client, keepAlive: 10);

        await client.SendAsync(Publish("slow/1", 1));
        await _slowAsked.Task.WaitAsync(DefaultTimeout);
        Time.Advance(TimeSpan.FromSeconds(60));
        _slowAnswer.SetResult(AclDecision.Allow);

        Assert.Equal((ushort)1, _session.ExpectMsg<ClientPublish>().PacketId);
        await client.SendAsync(PingReqPacket.Instance);
        await client.ReceiveAsync<PingRespPacket>();
        // Counted again from the answer: 1.5 periods later without a packet, the client is gone.
        Time.Advance(TimeSpan.FromMilliseconds(15_001));
        Assert.Equal(ReasonCode.KeepAliveTimeout, (await client.ReceiveAsync<DisconnectPacket>()).ReasonCode);
        await running;
    }

    private (TestClient Client, Task Running) Start()
    {
        var context = new BrokerContext
        {
            System = Sys,
            Sessions = Sys.ActorOf(Props.Create(() => new FakeSessionRegistry(_session.Ref, _opened.Ref))),
            Router = new NoRouter(),
            Settings = MqttSettings.Default,
            Metrics = new BrokerMetrics(),
            LoggerFactory = NullLoggerFactory.Instance,
            Security = new ChannelSecurity
            {
                Authorizer = new Authorizer([_service], AclDecision.Allow, AuthorizationCacheOptions.Default, TimeProvider.System),
            },
        };
        var client = new TestClient(MqttProtocolVersion.V500);
        var running = MqttConnection.RunAsync(client.ServerSide, Metadata, context, default);
        return (client, running.WaitAsync(DefaultTimeout));
    }

    private async Task ConnectAsync(TestClient client, ushort keepAlive)
    {
        await client.SendAsync(new ConnectPacket
        {
            ProtocolVersion = MqttProtocolVersion.V500,
            ClientId = "client-1",
            CleanStart = true,
            KeepAlive = keepAlive,
            Properties = MqttProperties.Empty,
        });
        _opened.ExpectMsg<OpenSession>();
        Assert.Equal(ReasonCode.Success, (await client.ReceiveAsync<ConnAckPacket>()).ReasonCode);
    }

    private static PublishPacket Publish(string topic, ushort packetId) => new()
    {
        Topic = topic,
        QoS = QualityOfService.AtLeastOnce,
        PacketId = packetId,
        Payload = new ReadOnlySequence<byte>("42"u8.ToArray()),
    };

    private static SubscribePacket Subscribe(params string[] filters) => new()
    {
        PacketId = 1,
        Subscriptions = filters.Select(f => new TopicSubscription(f, new SubscriptionOptions(QualityOfService.AtLeastOnce))).ToArray(),
    };
}
