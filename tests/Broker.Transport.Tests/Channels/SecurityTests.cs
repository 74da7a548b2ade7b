using System.Net;
using System.Text;
using Broker.Core.Messaging;
using Broker.Core.Security;
using Broker.Core.Security.Authentication;
using Broker.Core.Security.Authorization;
using Broker.Core.Security.Protection;
using Broker.Core.Security.Records;
using Broker.Core.Sessions;
using Broker.Mqtt;
using Broker.Mqtt.Packets;
using Broker.Transport.Channels;
using Broker.Transport.Tests.Channels.Support;
using static Broker.Transport.Tests.Channels.Support.Channels;

namespace Broker.Transport.Tests.Channels;

/// <summary>The channel's side of authentication (CONNECT held for the chain's answer) and of authorization.</summary>
public sealed class SecurityTests
{
    private const string FactoryAcl = """
        {allow, {username, {re, "^line1-"}}, publish, ["plant/${username}/#"]}.
        {allow, all, subscribe, ["plant/+/commands/${clientid}"]}.
        {deny, all}.
        """;

    private static readonly BuiltInDatabase Users = MakeUsers();

    private static BuiltInDatabase MakeUsers()
    {
        var users = new BuiltInDatabase(new PasswordHashAlgorithm { Iterations = 8 }, byClientId: false);
        users.Apply("line1-press", users.Encode("line1-press", Encoding.UTF8.GetBytes("pw"), superuser: false));
        users.Apply("mes", users.Encode("mes", Encoding.UTF8.GetBytes("pw-mes"), superuser: true));
        return users;
    }

    private static ChannelSecurity Security(bool disconnectOnDeny = false, CertificateIdentity usernameFromCertificate = CertificateIdentity.Disabled) => new()
    {
        Authentication = new AuthenticationChain([new AuthenticationStep(Users, TimeSpan.FromSeconds(5))]),
        Authorizer = new Authorizer([AclFile.Parse(FactoryAcl, "acl.conf")], AclDecision.Allow, AuthorizationCacheOptions.Default, TimeProvider.System),
        DisconnectOnDeny = disconnectOnDeny,
        UsernameFromCertificate = usernameFromCertificate,
    };

    private static MqttChannel New(ChannelSecurity security, ChannelPeer? peer = null) =>
        new(MqttSettings.Default, new FakeConnection(), OpenedAtMs, () => "auto-test", security: security, peer: peer);

    private static ConnectPacket Login(MqttProtocolVersion version, string? username, string? password, string clientId = "press-7", WillMessage? will = null) =>
        Connect(version, clientId, will: will) with { UserName = username, Password = password is null ? null : (ReadOnlyMemory<byte>?)Encoding.UTF8.GetBytes(password) };

    private static async Task<(MqttChannel Channel, ChannelResult Result)> AuthenticateAsync(ConnectPacket connect, ChannelSecurity? security = null, ChannelPeer? peer = null)
    {
        var channel = New(security ?? Security(), peer);
        var pending = Assert.IsType<AuthenticateConnect>(channel.HandleIn(connect, OpenedAtMs).Command);
        var outcome = await (security ?? Security()).Authentication.AuthenticateAsync(pending.Credentials, CancellationToken.None);
        return (channel, channel.Authenticated(pending, outcome));
    }

    [Theory]
    [InlineData(MqttProtocolVersion.V500, "wrong", ReasonCode.BadUserNameOrPassword)]
    [InlineData(MqttProtocolVersion.V500, null, ReasonCode.BadUserNameOrPassword)]
    [InlineData(MqttProtocolVersion.V311, "wrong", ReasonCode.BadUserNameOrPassword)]
    public async Task A_wrong_password_is_refused_with_bad_username_or_password(MqttProtocolVersion version, string? password, ReasonCode code)
    {
        var (channel, result) = await AuthenticateAsync(Login(version, "line1-press", password));

        Assert.Equal(code, Refusal(result).ReasonCode);
        Assert.Equal(ChannelState.Closed, channel.State);
    }

    [Fact]
    public async Task A_client_no_authenticator_knows_is_refused_as_not_authorized()
    {
        var (_, result) = await AuthenticateAsync(Login(MqttProtocolVersion.V500, "visitor", "pw"));
        Assert.Equal(ReasonCode.NotAuthorized, Refusal(result).ReasonCode);
    }

    [Fact]
    public async Task The_password_goes_to_the_chain_only_and_the_session_opens_once_allowed()
    {
        var channel = New(Security());
        var pending = Assert.IsType<AuthenticateConnect>(channel.HandleIn(Login(MqttProtocolVersion.V500, "line1-press", "pw"), OpenedAtMs).Command);
        Assert.Equal(ChannelState.AwaitingConnect, channel.State);
        Assert.Equal("pw", Encoding.UTF8.GetString(pending.Credentials.Password!.Value.Span));

        var none = Assert.IsType<AuthenticateConnect>(New(Security()).HandleIn(Login(MqttProtocolVersion.V500, "line1-press", null), OpenedAtMs).Command);
        Assert.Null(none.Credentials.Password);

        var result = channel.Authenticated(pending, await Security().Authentication.AuthenticateAsync(pending.Credentials, CancellationToken.None));

        var open = Assert.IsType<OpenSession>(result.Command);
        Assert.Equal("line1-press", open.Request.UserName);
        Assert.Equal(ChannelState.Connected, channel.State);
        Assert.Equal("press-7", channel.ClientId);
    }

    [Fact]
    public async Task Publishes_and_subscriptions_outside_the_acl_are_denied_in_the_reason_codes()
    {
        var (channel, result) = await AuthenticateAsync(Login(MqttProtocolVersion.V500, "line1-press", "pw"));
        Assert.IsType<OpenSession>(result.Command);

        var allowed = Assert.IsType<ClientPublish>(channel.HandleIn(Publish("plant/line1-press/temp", QualityOfService.AtLeastOnce, 1), 0).Command);
        Assert.False(allowed.Denied);
        Assert.Equal(2, allowed.Message.Payload.Length);
        var denied = Assert.IsType<ClientPublish>(channel.HandleIn(Publish("plant/line2-press/temp", QualityOfService.AtLeastOnce, 2), 0).Command);
        Assert.True(denied.Denied);
        Assert.True(denied.Message.Payload.IsEmpty, "a denied payload is not copied");

        var subscribe = Assert.IsType<ClientSubscribe>(channel.HandleIn(Subscribe("plant/line1/commands/press-7", "plant/line1/commands/press-8", "plant/#"), 0).Command);
        Assert.Equal(new ReasonCode?[] { null, ReasonCode.NotAuthorized, ReasonCode.NotAuthorized }, subscribe.Refused);
    }

    [Fact]
    public async Task A_superuser_skips_every_check()
    {
        var (channel, _) = await AuthenticateAsync(Login(MqttProtocolVersion.V500, "mes", "pw-mes"));

        Assert.False(Assert.IsType<ClientPublish>(channel.HandleIn(Publish("plant/line9/commands/x", QualityOfService.ExactlyOnce, 1), 0).Command).Denied);
        Assert.Equal(new ReasonCode?[] { null }, Assert.IsType<ClientSubscribe>(channel.HandleIn(Subscribe("#"), 0).Command).Refused);
    }

    [Fact]
    public async Task With_deny_action_disconnect_a_denied_publish_ends_the_connection_with_0x87()
    {
        var (channel, _) = await AuthenticateAsync(Login(MqttProtocolVersion.V500, "line1-press", "pw"), Security(disconnectOnDeny: true));

        var result = channel.HandleIn(Publish("plant/other/temp", QualityOfService.AtMostOnce, 0), 0);

        Assert.Equal(ReasonCode.NotAuthorized, Disconnect(result, channel).ReasonCode);
    }

    [Fact]
    public async Task A_will_the_client_may_not_publish_is_dropped_at_connect()
    {
        var allowedWill = new WillMessage { Topic = "plant/line1-press/state", Payload = "gone"u8.ToArray() };
        var (_, kept) = await AuthenticateAsync(Login(MqttProtocolVersion.V500, "line1-press", "pw", will: allowedWill));
        Assert.NotNull(Assert.IsType<OpenSession>(kept.Command).Request.Will);

        var (_, dropped) = await AuthenticateAsync(Login(MqttProtocolVersion.V500, "line1-press", "pw", will: allowedWill with { Topic = "plant/all/state" }));
        Assert.Null(Assert.IsType<OpenSession>(dropped.Command).Request.Will);
    }

    [Fact]
    public async Task The_certificates_common_name_becomes_the_username_the_chain_and_the_acl_see()
    {
        var security = Security(usernameFromCertificate: CertificateIdentity.CommonName);
        var peer = new ChannelPeer(IPAddress.Parse("10.1.2.3"), "line1-press", "CN=line1-press, O=Plant");

        var channel = New(security, peer);
        var pending = Assert.IsType<AuthenticateConnect>(channel.HandleIn(Login(MqttProtocolVersion.V500, "someone-else", "pw"), OpenedAtMs).Command);

        Assert.Equal("line1-press", pending.Credentials.Client.Username);
        Assert.Equal(IPAddress.Parse("10.1.2.3"), pending.Credentials.Client.PeerHost);
        Assert.Equal("CN=line1-press, O=Plant", pending.Credentials.Client.CertSubject);
        Assert.Equal("line1-press", pending.Open.Request.UserName);
    }

    [Theory]
    [InlineData(MqttProtocolVersion.V500)]
    [InlineData(MqttProtocolVersion.V311)]
    public void Credentials_that_end_close_the_connection_at_their_end_with_0x87_and_the_will(MqttProtocolVersion version)
    {
        var channel = New(Security());
        var pending = Assert.IsType<AuthenticateConnect>(channel.HandleIn(Login(version, "mes", "pw-mes"), OpenedAtMs).Command);
        var expiresAt = OpenedAtMs + 30_000;
        channel.Authenticated(pending, new ChainOutcome(true, false, false, "allowed by jwt", ExpiresAtMs: expiresAt));

        Assert.Equal(expiresAt, channel.NextDeadlineMs(OpenedAtMs));
        Assert.False(channel.AreCredentialsExpired(expiresAt - 1));
        Assert.True(channel.AreCredentialsExpired(expiresAt));
        var result = channel.HandleCredentialsExpired();

        Assert.Equal((CloseCause.CredentialsExpired, DisconnectKind.Abnormal), (result.Close!.Cause, result.Close.Kind));
        if (version == MqttProtocolVersion.V500)
            Assert.Equal(ReasonCode.NotAuthorized, Assert.IsType<DisconnectPacket>(result.Reply).ReasonCode);
        else
            Assert.Null(result.Reply);
    }

    [Fact]
    public void Credentials_without_an_end_leave_the_keep_alive_as_the_only_deadline()
    {
        var channel = New(Security());
        var pending = Assert.IsType<AuthenticateConnect>(channel.HandleIn(Login(MqttProtocolVersion.V500, "mes", "pw-mes"), OpenedAtMs).Command);
        channel.Authenticated(pending, new ChainOutcome(true, false, false, "allowed"));

        Assert.Equal(channel.KeepAliveDeadlineMs(OpenedAtMs), channel.NextDeadlineMs(OpenedAtMs));
        Assert.False(channel.AreCredentialsExpired(long.MaxValue));
    }

    [Fact]
    public void A_banned_client_is_refused_before_the_chain_is_asked()
    {
        var bans = new BanList(TimeProvider.System);
        bans.Add(new Ban(BanKind.Username, "line1-press", "operator", "stolen", DateTimeOffset.UtcNow, null));
        var channel = New(Security() with { Bans = bans });

        var result = channel.HandleIn(Login(MqttProtocolVersion.V500, "line1-press", "pw"), OpenedAtMs);

        Assert.Equal(ReasonCode.Banned, Refusal(result).ReasonCode);
        Assert.Contains("stolen", result.Close!.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void A_client_id_connecting_too_often_is_banned_by_flapping_detection()
    {
        var bans = new BannedClients(new BanList(TimeProvider.System), new SecurityStore(null, TimeProvider.System));
        var security = ChannelSecurity.Open with { Bans = bans.List, Flapping = new FlappingDetector(new FlappingSettings(2, TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(5)), bans, TimeProvider.System) };

        Assert.IsType<OpenSession>(New(security).HandleIn(Connect(clientId: "press-7"), OpenedAtMs).Command);
        Assert.IsType<OpenSession>(New(security).HandleIn(Connect(clientId: "press-7"), OpenedAtMs).Command);
        Assert.Equal(ReasonCode.Banned, Refusal(New(security).HandleIn(Connect(clientId: "press-7"), OpenedAtMs)).ReasonCode);
        Assert.Equal(ReasonCode.Banned, Refusal(New(security).HandleIn(Connect(clientId: "press-7"), OpenedAtMs)).ReasonCode);
        Assert.IsType<OpenSession>(New(security).HandleIn(Connect(clientId: ""), OpenedAtMs).Command);
    }

    [Theory]
    [InlineData(MqttProtocolVersion.V500)]
    [InlineData(MqttProtocolVersion.V311)]
    public void An_overloaded_node_refuses_new_connections_with_the_reason(MqttProtocolVersion version)
    {
        var guard = new OverloadGuard(new OverloadSettings(0.5, 100));
        guard.Sample(10, 100, 1000);

        var result = New(ChannelSecurity.Open with { Overload = guard }).HandleIn(Connect(version), OpenedAtMs);

        Assert.Equal(ReasonCode.ServerBusy, Refusal(result).ReasonCode);
        Assert.Contains("1000 work items", result.Close!.Detail, StringComparison.Ordinal);
        guard.Sample(10, 100, 0);
        Assert.IsType<OpenSession>(New(ChannelSecurity.Open with { Overload = guard }).HandleIn(Connect(version), OpenedAtMs).Command);
    }

    [Fact]
    public async Task Connects_refused_by_the_chain_do_not_count_towards_flapping_so_nobody_gets_another_id_banned()
    {
        var bans = new BannedClients(new BanList(TimeProvider.System), new SecurityStore(null, TimeProvider.System));
        var security = Security() with { Bans = bans.List, Flapping = new FlappingDetector(new FlappingSettings(2, TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(5)), bans, TimeProvider.System) };
        for (var i = 0; i < 5; i++)
        {
            var (_, refused) = await AuthenticateAsync(Login(MqttProtocolVersion.V500, "line1-press", "forged"), security);
            Assert.Equal(ReasonCode.BadUserNameOrPassword, Refusal(refused).ReasonCode);
        }

        var (_, admitted) = await AuthenticateAsync(Login(MqttProtocolVersion.V500, "line1-press", "pw"), security);

        Assert.IsType<OpenSession>(admitted.Command);
        Assert.Equal(0, bans.List.Count);
    }

    [Fact]
    public void With_the_identity_taken_from_certificates_a_client_without_one_is_refused()
    {
        var security = ChannelSecurity.Open with { UsernameFromCertificate = CertificateIdentity.CommonName };

        var result = New(security).HandleIn(Login(MqttProtocolVersion.V500, "line1-press", null), OpenedAtMs);

        Assert.Equal(ReasonCode.NotAuthorized, Refusal(result).ReasonCode);
        Assert.Contains("no verified client certificate", result.Close!.Detail, StringComparison.Ordinal);
    }

    private static PublishPacket Publish(string topic, QualityOfService qos, ushort packetId) => new()
    {
        Topic = topic,
        QoS = qos,
        PacketId = packetId,
        Payload = new System.Buffers.ReadOnlySequence<byte>("42"u8.ToArray()),
    };

    private static SubscribePacket Subscribe(params string[] filters) => new()
    {
        PacketId = 1,
        Subscriptions = filters.Select(f => new TopicSubscription(f, new SubscriptionOptions(QualityOfService.AtLeastOnce))).ToArray(),
    };
}
