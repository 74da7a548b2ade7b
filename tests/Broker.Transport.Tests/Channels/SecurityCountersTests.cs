using System.Text;
using Broker.Core.Messaging;
using Broker.Core.Security.Authentication;
using Broker.Core.Security.Authorization;
using Broker.Core.Sessions;
using Broker.Mqtt;
using Broker.Mqtt.Packets;
using Broker.Transport.Channels;
using Broker.Transport.Tests.Channels.Support;
using static Broker.Transport.Tests.Channels.Support.Channels;

namespace Broker.Transport.Tests.Channels;

/// <summary>What the channel counts of its security's decisions, for the node's metrics (EMQX's authentication.* and authorization.*).</summary>
public sealed class SecurityCountersTests
{
    private static ChannelSecurity Security()
    {
        var users = new BuiltInDatabase(new PasswordHashAlgorithm { Iterations = 8 }, byClientId: false);
        users.Apply("line1-press", users.Encode("line1-press", Encoding.UTF8.GetBytes("pw"), superuser: false));
        return new ChannelSecurity
        {
            Authentication = new AuthenticationChain([new AuthenticationStep(users, TimeSpan.FromSeconds(5))]),
            Authorizer = new Authorizer(
                [AclFile.Parse("""{allow, all, publish, ["plant/${username}/#"]}. {deny, all}.""", "acl.conf")],
                AclDecision.Allow, AuthorizationCacheOptions.Default, TimeProvider.System),
        };
    }

    private static async Task<MqttChannel> AuthenticateAsync(ChannelSecurity security, string username, string password)
    {
        var channel = new MqttChannel(MqttSettings.Default, new FakeConnection(), OpenedAtMs, security: security);
        var connect = Connect() with { UserName = username, Password = Encoding.UTF8.GetBytes(password) };
        var pending = Assert.IsType<AuthenticateConnect>(channel.HandleIn(connect, OpenedAtMs).Command);
        channel.Authenticated(pending, await security.Authentication.AuthenticateAsync(pending.Credentials, CancellationToken.None));
        return channel;
    }

    [Fact]
    public async Task A_connect_counts_how_its_authentication_ended()
    {
        var security = Security();

        Assert.Equal(ConnectAuthentication.Succeeded, (await AuthenticateAsync(security, "line1-press", "pw")).Authentication);
        Assert.Equal(ConnectAuthentication.Failed, (await AuthenticateAsync(security, "line1-press", "wrong")).Authentication);
        Assert.Equal(ConnectAuthentication.Failed, (await AuthenticateAsync(security, "visitor", "pw")).Authentication);
        Assert.Equal(ConnectAuthentication.Anonymous, Connected().Channel.Authentication);
        Assert.Equal(ConnectAuthentication.None, New().Authentication);
    }

    [Fact]
    public async Task Every_check_is_counted_allowed_or_denied()
    {
        var channel = await AuthenticateAsync(Security(), "line1-press", "pw");

        channel.HandleIn(Publish("plant/line1-press/temp", 1), 0);
        channel.HandleIn(Publish("plant/line1-press/temp", 2), 0);
        channel.HandleIn(Publish("plant/line2-press/temp", 3), 0);
        channel.HandleIn(new SubscribePacket { PacketId = 4, Subscriptions = [new TopicSubscription("plant/#", new SubscriptionOptions(QualityOfService.AtLeastOnce))] }, 0);

        Assert.Equal((2, 2), (channel.AuthorizationsAllowed, channel.AuthorizationsDenied));
    }

    [Fact]
    public void Without_authorization_every_check_still_counts_as_allowed()
    {
        var (channel, _) = Connected();

        channel.HandleIn(Publish("any/topic", 1), 0);

        Assert.Equal((1, 0), (channel.AuthorizationsAllowed, channel.AuthorizationsDenied));
    }

    private static PublishPacket Publish(string topic, ushort packetId) => new()
    {
        Topic = topic,
        QoS = QualityOfService.AtLeastOnce,
        PacketId = packetId,
        Payload = new System.Buffers.ReadOnlySequence<byte>("42"u8.ToArray()),
    };
}
