using System.Text;
using Broker.Core.Messaging;
using Broker.Core.Security;
using Broker.Core.Security.Authentication;
using Broker.Core.Security.Authentication.Scram;
using Broker.Core.Security.Authorization;
using Broker.Core.Security.Protection;
using Broker.Core.Sessions;
using Broker.Mqtt;
using Broker.Mqtt.Codec;
using Broker.Mqtt.Packets;
using Broker.Mqtt.Properties;
using Broker.Tests;
using Broker.Transport.Channels;
using Broker.Transport.Tests.Channels.Support;
using static Broker.Transport.Tests.Channels.Support.Channels;

namespace Broker.Transport.Tests.Channels;

/// <summary>
/// MQTT 5 enhanced authentication (4.12) with SCRAM, packet by packet: the exchange at CONNECT, re-authentication, and
/// the protocol errors around them. The client's side is tests/Shared/ScramClient, written apart from the server.
/// </summary>
public sealed class EnhancedAuthenticationTests
{
    private const string Sha256 = "SCRAM-SHA-256";

    // Line 1's devices may publish under their own names only; everything else is denied.
    private const string Acl = """
        {allow, {username, {re, "^line1-"}}, publish, ["plant/${username}/#"]}.
        {deny, all}.
        """;

    private static readonly ScramDatabase Users = MakeUsers();

    private static ScramDatabase MakeUsers()
    {
        var users = new ScramDatabase(ScramAlgorithm.Sha256, 32);
        users.Apply("line1-press", users.Encode("line1-press", "pw-press"u8, superuser: false));
        users.Apply("mes", users.Encode("mes", "pw-mes"u8, superuser: true));
        return users;
    }

    private static ChannelSecurity Security(params IAuthenticator[] authenticators) => new()
    {
        Authentication = new AuthenticationChain(authenticators.Select(a => new AuthenticationStep(a, TimeSpan.FromSeconds(5)))),
        Authorizer = new Authorizer([AclFile.Parse(Acl, "acl.conf")], AclDecision.Allow, AuthorizationCacheOptions.Default, TimeProvider.System),
    };

    private static MqttChannel New(ChannelSecurity? security = null) =>
        new(MqttSettings.Default, new FakeConnection(), OpenedAtMs, () => "auto-test", security: security ?? Security(Users));

    private static ConnectPacket ScramConnect(ScramClient client, string? username = null, MqttProtocolVersion version = MqttProtocolVersion.V500) =>
        Connect(version, "press-7", properties: new MqttProperties { AuthenticationMethod = client.Method, AuthenticationData = client.First() }) with { UserName = username };

    private static AuthPacket Auth(ReasonCode code, byte[] data, string method = Sha256) =>
        new() { ReasonCode = code, Properties = new MqttProperties { AuthenticationMethod = method, AuthenticationData = data } };

    /// <summary>What the connection does with <see cref="StartAuthentication"/>: the step's first answer, back to the channel.</summary>
    private static async Task<ChannelResult> StartedAsync(MqttChannel channel, ChannelResult result, bool reauthentication = false)
    {
        var start = Assert.IsType<StartAuthentication>(result.Command);
        Assert.Equal(reauthentication, start.Reauthentication);
        Assert.Null(result.Reply);
        return channel.AuthenticationStarted(start, await AuthenticationChain.StartExchangeAsync(start.Step, start.Data, CancellationToken.None));
    }

    private static byte[] ServerData(ChannelResult result, ReasonCode code)
    {
        var auth = Assert.IsType<AuthPacket>(result.Reply);
        Assert.Equal(code, auth.ReasonCode);
        Assert.Equal(Sha256, auth.Properties.AuthenticationMethod);
        Assert.Null(result.Close);
        return auth.Properties.AuthenticationData!.Value.ToArray();
    }

    /// <summary>CONNECT and the server-first message: the channel waits for the client's AUTH.</summary>
    private static async Task<(MqttChannel Channel, byte[] ServerFirst)> ChallengedAsync(ScramClient client, ChannelSecurity? security = null, string? username = null)
    {
        var channel = New(security);
        var started = await StartedAsync(channel, channel.HandleIn(ScramConnect(client, username), OpenedAtMs));
        Assert.Equal(ChannelState.Authenticating, channel.State);
        return (channel, ServerData(started, ReasonCode.ContinueAuthentication));
    }

    private static async Task<(MqttChannel Channel, OpenSession Open)> ConnectedAsync(ScramClient client)
    {
        var (channel, serverFirst) = await ChallengedAsync(client);
        var open = Assert.IsType<OpenSession>(channel.HandleIn(Auth(ReasonCode.ContinueAuthentication, client.Final(serverFirst)), 0).Command);
        return (channel, open);
    }

    [Fact]
    public async Task MQTT_4_12_a_scram_exchange_opens_the_session_with_the_method_and_the_servers_signature_in_CONNACK()
    {
        var client = new ScramClient(false, "line1-press", "pw-press");
        var (channel, serverFirst) = await ChallengedAsync(client);

        var result = channel.HandleIn(Auth(ReasonCode.ContinueAuthentication, client.Final(serverFirst)), 0);

        var open = Assert.IsType<OpenSession>(result.Command);
        Assert.Equal(ChannelState.Connected, channel.State);
        Assert.Equal(ReasonCode.Success, open.ConnAck.ReasonCode);
        Assert.Equal(Sha256, open.ConnAck.Properties.AuthenticationMethod);
        Assert.True(client.Verifies(open.ConnAck.Properties.AuthenticationData!.Value.ToArray()));
        Assert.Equal("line1-press", open.Request.UserName);
        Assert.False(Assert.IsType<ClientPublish>(channel.HandleIn(Publish("plant/line1-press/temp", QualityOfService.AtLeastOnce, 1), 0).Command).Denied);
        Assert.True(Assert.IsType<ClientPublish>(channel.HandleIn(Publish("plant/line2-oven/temp", QualityOfService.AtLeastOnce, 2), 0).Command).Denied);
    }

    [Fact]
    public async Task The_users_superuser_flag_comes_with_the_exchange()
    {
        var (channel, _) = await ConnectedAsync(new ScramClient(false, "mes", "pw-mes"));

        Assert.False(Assert.IsType<ClientPublish>(channel.HandleIn(Publish("plant/line2-oven/commands", QualityOfService.AtLeastOnce, 1), 0).Command).Denied);
    }

    [Theory]
    [InlineData("line1-press", "pw-guess")]
    [InlineData("visitor", "pw-press")]
    public async Task MQTT_4_12_0_4_a_wrong_password_or_an_unknown_user_is_refused_with_0x87_alike(string user, string password)
    {
        var client = new ScramClient(false, user, password);
        var (channel, serverFirst) = await ChallengedAsync(client);

        var result = channel.HandleIn(Auth(ReasonCode.ContinueAuthentication, client.Final(serverFirst)), 0);

        var refusal = Refusal(result);
        Assert.Equal(ReasonCode.NotAuthorized, refusal.ReasonCode);
        Assert.Equal("e=invalid-proof", Encoding.UTF8.GetString(refusal.Properties.AuthenticationData!.Value.Span));
        Assert.Equal((ChannelState.Closed, CloseCause.ConnectRefused), (channel.State, result.Close!.Cause));
    }

    [Fact]
    public async Task A_first_message_the_server_cannot_take_is_refused_with_0x87_and_the_scram_error()
    {
        var channel = New();
        var connect = Connect(properties: new MqttProperties { AuthenticationMethod = Sha256, AuthenticationData = "p=tls-unique,,n=mes,r=abc"u8.ToArray() });

        var refusal = Refusal(await StartedAsync(channel, channel.HandleIn(connect, OpenedAtMs)));

        Assert.Equal(ReasonCode.NotAuthorized, refusal.ReasonCode);
        Assert.Equal("e=channel-binding-not-supported", Encoding.UTF8.GetString(refusal.Properties.AuthenticationData!.Value.Span));
    }

    [Theory]
    [InlineData("SCRAM-SHA-512")]
    [InlineData("GS2-KRB5")]
    public void MQTT_4_12_0_1_a_method_no_step_answers_is_refused_with_0x8C(string method)
    {
        var result = New().HandleIn(Connect(properties: new MqttProperties { AuthenticationMethod = method, AuthenticationData = "n,,n=mes,r=a"u8.ToArray() }), OpenedAtMs);

        Assert.Equal(ReasonCode.BadAuthenticationMethod, Refusal(result).ReasonCode);
    }

    [Fact]
    public async Task A_connect_that_names_another_user_than_the_one_scram_proves_is_refused()
    {
        var client = new ScramClient(false, "line1-press", "pw-press");
        var (channel, serverFirst) = await ChallengedAsync(client, username: "mes");

        var result = channel.HandleIn(Auth(ReasonCode.ContinueAuthentication, client.Final(serverFirst)), 0);

        Assert.Equal(ReasonCode.NotAuthorized, Refusal(result).ReasonCode);
        Assert.Contains("proved user line1-press, but the CONNECT names mes", result.Close!.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_proven_user_is_checked_against_the_bans_when_the_connect_named_none()
    {
        var bans = new BanList(TimeProvider.System);
        bans.Add(new Ban(BanKind.Username, "line1-press", "operator", "stolen", DateTimeOffset.UtcNow, null));
        var client = new ScramClient(false, "line1-press", "pw-press");
        var (channel, serverFirst) = await ChallengedAsync(client, Security(Users) with { Bans = bans });

        var result = channel.HandleIn(Auth(ReasonCode.ContinueAuthentication, client.Final(serverFirst)), 0);

        Assert.Equal(ReasonCode.Banned, Refusal(result).ReasonCode);
    }

    [Fact]
    public async Task With_a_source_that_keeps_rules_per_client_the_decided_connect_goes_to_the_connection_for_them()
    {
        var security = Security(Users) with
        {
            Authorizer = new Authorizer([new PerClientRules()], AclDecision.Deny, AuthorizationCacheOptions.Default, TimeProvider.System),
        };
        var client = new ScramClient(false, "line1-press", "pw-press");
        var (channel, serverFirst) = await ChallengedAsync(client, security);

        var decided = Assert.IsType<AuthenticateConnect>(channel.HandleIn(Auth(ReasonCode.ContinueAuthentication, client.Final(serverFirst)), 0).Command);

        Assert.True(decided.Decided is { Allowed: true, IsSuperuser: false });
        Assert.Equal("line1-press", decided.Credentials.Client.Username);
        Assert.True(client.Verifies(decided.Open.ConnAck.Properties.AuthenticationData!.Value.ToArray()));
        var rules = await security.Authorizer!.LoadRulesAsync(MqttChannel.Admitted(decided, decided.Decided!.Value), CancellationToken.None);
        Assert.IsType<OpenSession>(channel.Authenticated(decided, decided.Decided!.Value, rules).Command);
        Assert.Equal(ChannelState.Connected, channel.State);
    }

    private static MqttPacket NotAuth(string packet) => packet switch
    {
        "PUBLISH" => Publish("plant/line1-press/temp", QualityOfService.AtMostOnce, 0),
        "PINGREQ" => PingReqPacket.Instance,
        "SUBSCRIBE" => Subscribe("plant/#"),
        "CONNECT" => Connect(),
        "AUTH 0x19" => Auth(ReasonCode.ReAuthenticate, "c=biws"u8.ToArray()),
        _ => Auth(ReasonCode.ContinueAuthentication, "c=biws"u8.ToArray(), "SCRAM-SHA-512"),
    };

    [Theory]
    [InlineData("PUBLISH")]
    [InlineData("PINGREQ")]
    [InlineData("SUBSCRIBE")]
    [InlineData("CONNECT")]
    [InlineData("AUTH 0x19")]
    [InlineData("AUTH 0x18 with another method")]
    public async Task MQTT_3_1_2_30_anything_but_AUTH_0x18_with_the_method_before_CONNACK_is_refused_with_0x82(string packet)
    {
        var (channel, _) = await ChallengedAsync(new ScramClient(false, "mes", "pw-mes"));

        var result = channel.HandleIn(NotAuth(packet), 0);

        Assert.Equal(ReasonCode.ProtocolError, Refusal(result).ReasonCode);
        Assert.Equal((ChannelState.Closed, CloseCause.ProtocolError), (channel.State, result.Close!.Cause));
    }

    [Fact]
    public async Task A_malformed_packet_before_CONNACK_is_refused_with_its_reason_in_CONNACK()
    {
        var (channel, _) = await ChallengedAsync(new ScramClient(false, "mes", "pw-mes"));

        var result = channel.HandleDecodeError(new MqttDecodeError(ReasonCode.MalformedPacket, PacketType.Auth, "bad property"), MqttProtocolVersion.V500);

        Assert.Equal(ReasonCode.MalformedPacket, Refusal(result).ReasonCode);
        Assert.Equal(CloseCause.MalformedPacket, result.Close!.Cause);
    }

    [Fact]
    public async Task A_client_that_gives_up_with_DISCONNECT_is_closed_without_an_answer()
    {
        var (channel, _) = await ChallengedAsync(new ScramClient(false, "mes", "pw-mes"));

        var result = channel.HandleIn(DisconnectPacket.Normal, 0);

        Assert.Null(result.Reply);
        Assert.Equal((ChannelState.Closed, CloseCause.ClientDisconnect), (channel.State, result.Close!.Cause));
    }

    [Fact]
    public async Task The_exchange_must_end_within_the_idle_timeout_counted_from_the_connections_opening()
    {
        var (channel, _) = await ChallengedAsync(new ScramClient(false, "mes", "pw-mes"));
        var deadline = OpenedAtMs + (long)MqttSettings.Default.IdleTimeout.TotalMilliseconds;

        Assert.Equal(deadline, channel.KeepAliveDeadlineMs(deadline - 1));
        Assert.False(channel.IsKeepAliveExpired(deadline - 1, deadline));
        Assert.True(channel.IsKeepAliveExpired(deadline - 1, deadline + 1));
        var result = channel.HandleKeepAliveExpired();
        Assert.Null(result.Reply);
        Assert.Equal((ChannelState.Closed, CloseCause.IdleTimeout), (channel.State, result.Close!.Cause));
    }

    [Fact]
    public async Task An_answer_of_the_step_after_the_channel_closed_is_ignored()
    {
        var channel = New();
        var start = Assert.IsType<StartAuthentication>(channel.HandleIn(ScramConnect(new ScramClient(false, "mes", "pw-mes")), OpenedAtMs).Command);
        channel.HandleKeepAliveExpired();

        var result = channel.AuthenticationStarted(start, await AuthenticationChain.StartExchangeAsync(start.Step, start.Data, CancellationToken.None));

        Assert.Equal(ChannelResult.None, result);
    }

    [Fact]
    public async Task A_plain_connect_is_ignored_by_the_scram_step_and_decided_by_the_others()
    {
        var passwords = new BuiltInDatabase(new PasswordHashAlgorithm { Iterations = 8 }, byClientId: false);
        passwords.Apply("line1-press", passwords.Encode("line1-press", "pw-plain"u8, superuser: false));
        var security = Security(Users, passwords);
        var login = Connect(clientId: "press-7") with { UserName = "line1-press", Password = "pw-plain"u8.ToArray() };

        var pending = Assert.IsType<AuthenticateConnect>(New(security).HandleIn(login, OpenedAtMs).Command);
        var outcome = await security.Authentication.AuthenticateAsync(pending.Credentials, CancellationToken.None);

        Assert.True(outcome.Allowed);
        var scramOnly = await Security(Users).Authentication.AuthenticateAsync(pending.Credentials, CancellationToken.None);
        Assert.False(scramOnly.Allowed);
        Assert.Contains("ignored by scram:built_in_database", scramOnly.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void A_3_1_1_client_goes_through_the_chain_as_before()
    {
        var login = Connect(MqttProtocolVersion.V311, "press-7") with { UserName = "mes", Password = "pw-mes"u8.ToArray() };

        Assert.IsType<AuthenticateConnect>(New().HandleIn(login, OpenedAtMs).Command);
    }

    [Fact]
    public async Task MQTT_4_12_1_re_authentication_runs_while_the_session_goes_on_and_ends_with_AUTH_0x00()
    {
        var (channel, _) = await ConnectedAsync(new ScramClient(false, "line1-press", "pw-press"));
        var again = new ScramClient(false, "line1-press", "pw-press");

        var serverFirst = ServerData(await StartedAsync(channel, channel.HandleIn(Auth(ReasonCode.ReAuthenticate, again.First()), 0), reauthentication: true), ReasonCode.ContinueAuthentication);
        Assert.IsType<ClientPublish>(channel.HandleIn(Publish("plant/line1-press/temp", QualityOfService.AtLeastOnce, 1), 0).Command);
        Assert.IsType<PingRespPacket>(channel.HandleIn(PingReqPacket.Instance, 0).Reply);
        var serverFinal = ServerData(channel.HandleIn(Auth(ReasonCode.ContinueAuthentication, again.Final(serverFirst)), 0), ReasonCode.Success);

        Assert.True(again.Verifies(serverFinal));
        Assert.Equal(ChannelState.Connected, channel.State);
        // And again: one exchange at a time, as many as the client likes.
        var third = new ScramClient(false, "line1-press", "pw-press");
        var serverFirst3 = ServerData(await StartedAsync(channel, channel.HandleIn(Auth(ReasonCode.ReAuthenticate, third.First()), 0), reauthentication: true), ReasonCode.ContinueAuthentication);
        Assert.True(third.Verifies(ServerData(channel.HandleIn(Auth(ReasonCode.ContinueAuthentication, third.Final(serverFirst3)), 0), ReasonCode.Success)));
    }

    [Theory]
    [InlineData("line1-press", "pw-guess")]
    [InlineData("visitor", "pw-press")]
    [InlineData("mes", "pw-mes")]
    public async Task MQTT_4_12_1_2_a_failed_re_authentication_or_one_as_another_user_ends_the_connection_with_0x87(string user, string password)
    {
        var (channel, _) = await ConnectedAsync(new ScramClient(false, "line1-press", "pw-press"));
        var again = new ScramClient(false, user, password);
        var serverFirst = ServerData(await StartedAsync(channel, channel.HandleIn(Auth(ReasonCode.ReAuthenticate, again.First()), 0), reauthentication: true), ReasonCode.ContinueAuthentication);

        var result = channel.HandleIn(Auth(ReasonCode.ContinueAuthentication, again.Final(serverFirst)), 0);

        Assert.Equal(ReasonCode.NotAuthorized, Disconnect(result, channel).ReasonCode);
    }

    [Fact]
    public async Task MQTT_4_12_1_1_re_authentication_with_another_method_is_a_protocol_error()
    {
        var (channel, _) = await ConnectedAsync(new ScramClient(false, "line1-press", "pw-press"));

        var result = channel.HandleIn(Auth(ReasonCode.ReAuthenticate, new ScramClient(true, "line1-press", "pw-press").First(), "SCRAM-SHA-512"), 0);

        Assert.Equal(ReasonCode.ProtocolError, Disconnect(result, channel).ReasonCode);
    }

    [Fact]
    public async Task AUTH_0x18_with_no_re_authentication_under_way_and_AUTH_0x19_during_one_are_protocol_errors()
    {
        var (idle, _) = await ConnectedAsync(new ScramClient(false, "line1-press", "pw-press"));
        Assert.Equal(ReasonCode.ProtocolError, Disconnect(idle.HandleIn(Auth(ReasonCode.ContinueAuthentication, "c=biws"u8.ToArray()), 0), idle).ReasonCode);

        var (busy, _) = await ConnectedAsync(new ScramClient(false, "line1-press", "pw-press"));
        var again = new ScramClient(false, "line1-press", "pw-press");
        await StartedAsync(busy, busy.HandleIn(Auth(ReasonCode.ReAuthenticate, again.First()), 0), reauthentication: true);
        Assert.Equal(ReasonCode.ProtocolError, Disconnect(busy.HandleIn(Auth(ReasonCode.ReAuthenticate, again.First()), 0), busy).ReasonCode);
    }

    [Fact]
    public async Task MQTT_4_12_0_7_AUTH_from_a_client_that_connected_with_a_password_is_a_protocol_error_even_with_scram_offered()
    {
        var passwords = new BuiltInDatabase(new PasswordHashAlgorithm { Iterations = 8 }, byClientId: false);
        passwords.Apply("line1-press", passwords.Encode("line1-press", "pw-plain"u8, superuser: false));
        var security = Security(Users, passwords);
        var channel = New(security);
        var pending = Assert.IsType<AuthenticateConnect>(channel.HandleIn(Connect() with { UserName = "line1-press", Password = "pw-plain"u8.ToArray() }, OpenedAtMs).Command);
        Assert.IsType<OpenSession>(channel.Authenticated(pending, await security.Authentication.AuthenticateAsync(pending.Credentials, CancellationToken.None)).Command);

        var result = channel.HandleIn(Auth(ReasonCode.ReAuthenticate, new ScramClient(false, "line1-press", "pw-press").First()), 0);

        Assert.Equal(ReasonCode.ProtocolError, Disconnect(result, channel).ReasonCode);
    }

    [Fact]
    public async Task The_servers_AUTH_goes_out_before_the_CONNACK_and_the_CONNACK_after_it()
    {
        var client = new ScramClient(false, "mes", "pw-mes");
        var channel = New();
        var challenge = (await StartedAsync(channel, channel.HandleIn(ScramConnect(client), OpenedAtMs))).Reply!;

        Assert.Same(challenge, channel.HandleOut(challenge).Packet);
        Assert.Equal(MqttProtocolVersion.V500, channel.OutgoingVersion);
        Assert.Equal(OutgoingDrop.BeforeConnAck, channel.HandleOut(PingRespPacket.Instance).Drop);
        var serverFirst = ((AuthPacket)challenge).Properties.AuthenticationData!.Value.ToArray();
        var open = Assert.IsType<OpenSession>(channel.HandleIn(Auth(ReasonCode.ContinueAuthentication, client.Final(serverFirst)), 0).Command);
        Assert.Same(open.ConnAck, channel.HandleOut(open.ConnAck).Packet);
    }

    private static PublishPacket Publish(string topic, QualityOfService qos, ushort packetId) => new()
    {
        Topic = topic,
        QoS = qos,
        PacketId = packetId,
        Payload = new System.Buffers.ReadOnlySequence<byte>("42"u8.ToArray()),
    };

    private static SubscribePacket Subscribe(string filter) => new()
    {
        PacketId = 1,
        Subscriptions = [new TopicSubscription(filter, new SubscriptionOptions(QualityOfService.AtLeastOnce))],
    };

    /// <summary>A source that keeps rules per client, as PostgreSQL does: each client may publish under its own name.</summary>
    private sealed class PerClientRules : IClientRulesSource
    {
        public string Name => "per-client";

        public AclDecision Check(ClientInfo client, AclAction action, string topic, QualityOfService qos, bool retain) => AclDecision.Deny;

        public Task<IAuthorizationSource> LoadAsync(ClientInfo client, CancellationToken cancellationToken) =>
            Task.FromResult<IAuthorizationSource>(AclFile.Parse($$"""{allow, all, publish, ["plant/{{client.Username}}/#"]}.""", "rows"));
    }
}
