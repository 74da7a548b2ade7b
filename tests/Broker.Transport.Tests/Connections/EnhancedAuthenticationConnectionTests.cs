using System.Net;
using Broker.Actors;
using Broker.Actors.TestKit;
using Broker.Core.Messaging;
using Broker.Core.Security.Authentication;
using Broker.Core.Security.Authentication.Scram;
using Broker.Core.Sessions;
using Broker.Mqtt;
using Broker.Mqtt.Packets;
using Broker.Mqtt.Properties;
using Broker.Tests;
using Broker.Transport.Channels;
using Broker.Transport.Connections;
using Broker.Transport.Tests.Connections.Support;
using Microsoft.Extensions.Logging.Abstractions;

namespace Broker.Transport.Tests.Connections;

/// <summary>
/// SCRAM through a whole connection, real encoded bytes both ways: the step's first answer run off the read loop, AUTH
/// written before the CONNACK, re-authentication beside the session, and the idle timeout bounding the exchange.
/// </summary>
public sealed class EnhancedAuthenticationConnectionTests : ActorTestKit
{
    private static readonly ConnectionMetadata Metadata = new("tcp", new IPEndPoint(IPAddress.Loopback, 40000), new IPEndPoint(IPAddress.Loopback, 1883));

    private readonly TestProbe _session;
    private readonly TestProbe _opened;

    public EnhancedAuthenticationConnectionTests()
    {
        _session = CreateTestProbe("session");
        _opened = CreateTestProbe("opened");
    }

    [Fact]
    public async Task A_scram_exchange_gets_AUTH_then_CONNACK_and_a_re_authentication_AUTH_0x00()
    {
        var (client, running) = Start();
        var scram = new ScramClient(true, "mes", "pw-mes");

        await client.SendAsync(Connect(scram));
        var challenge = await client.ReceiveAsync<AuthPacket>();
        Assert.Equal((ReasonCode.ContinueAuthentication, "SCRAM-SHA-512"), (challenge.ReasonCode, challenge.Properties.AuthenticationMethod));
        await client.SendAsync(Auth(ReasonCode.ContinueAuthentication, scram.Final(challenge.Properties.AuthenticationData!.Value.ToArray())));
        var connAck = await client.ReceiveAsync<ConnAckPacket>();
        Assert.Equal(ReasonCode.Success, connAck.ReasonCode);
        Assert.True(scram.Verifies(connAck.Properties.AuthenticationData!.Value.ToArray()));
        Assert.Equal("mes", _opened.ExpectMsg<OpenSession>().Request.UserName);

        var again = new ScramClient(true, "mes", "pw-mes");
        await client.SendAsync(Auth(ReasonCode.ReAuthenticate, again.First()));
        var rechallenge = await client.ReceiveAsync<AuthPacket>();
        await client.SendAsync(Auth(ReasonCode.ContinueAuthentication, again.Final(rechallenge.Properties.AuthenticationData!.Value.ToArray())));
        var done = await client.ReceiveAsync<AuthPacket>();
        Assert.Equal(ReasonCode.Success, done.ReasonCode);
        Assert.True(again.Verifies(done.Properties.AuthenticationData!.Value.ToArray()));

        await client.SendAsync(DisconnectPacket.Normal);
        await running;
    }

    [Fact]
    public async Task A_wrong_proof_gets_CONNACK_0x87_and_no_session()
    {
        var (client, running) = Start();
        var scram = new ScramClient(true, "mes", "pw-guess");

        await client.SendAsync(Connect(scram));
        var challenge = await client.ReceiveAsync<AuthPacket>();
        await client.SendAsync(Auth(ReasonCode.ContinueAuthentication, scram.Final(challenge.Properties.AuthenticationData!.Value.ToArray())));

        Assert.Equal(ReasonCode.NotAuthorized, (await client.ReceiveAsync<ConnAckPacket>()).ReasonCode);
        await client.ExpectClosedAsync();
        await running;
        _opened.ExpectNoMsg(TimeSpan.FromMilliseconds(50));
    }

    [Fact]
    public async Task A_client_that_never_answers_the_challenge_is_dropped_at_the_idle_timeout()
    {
        var (client, running) = Start(MqttSettings.Default with { IdleTimeout = TimeSpan.FromSeconds(5) });

        await client.SendAsync(Connect(new ScramClient(true, "mes", "pw-mes")));
        await client.ReceiveAsync<AuthPacket>();
        Time.Advance(TimeSpan.FromMilliseconds(5_001));

        await client.ExpectClosedAsync();
        await running;
        _opened.ExpectNoMsg(TimeSpan.FromMilliseconds(50));
    }

    private (TestClient Client, Task Running) Start(MqttSettings? settings = null)
    {
        var users = new ScramDatabase(ScramAlgorithm.Sha512, 32);
        users.Apply("mes", users.Encode("mes", "pw-mes"u8, superuser: true));
        var context = new BrokerContext
        {
            System = Sys,
            Sessions = Sys.ActorOf(Props.Create(() => new FakeSessionRegistry(_session.Ref, _opened.Ref))),
            Router = new NoRouter(),
            Settings = settings ?? MqttSettings.Default,
            Metrics = new BrokerMetrics(),
            LoggerFactory = NullLoggerFactory.Instance,
            Security = new ChannelSecurity { Authentication = new AuthenticationChain([new AuthenticationStep(users, TimeSpan.FromSeconds(5))]) },
        };
        var client = new TestClient(MqttProtocolVersion.V500);
        var running = MqttConnection.RunAsync(client.ServerSide, Metadata, context, default);
        return (client, running.WaitAsync(DefaultTimeout));
    }

    private static ConnectPacket Connect(ScramClient scram) => new()
    {
        ProtocolVersion = MqttProtocolVersion.V500,
        ClientId = "client-1",
        CleanStart = true,
        KeepAlive = 60,
        Properties = new MqttProperties { AuthenticationMethod = scram.Method, AuthenticationData = scram.First() },
    };

    private static AuthPacket Auth(ReasonCode code, byte[] data) =>
        new() { ReasonCode = code, Properties = new MqttProperties { AuthenticationMethod = "SCRAM-SHA-512", AuthenticationData = data } };
}
