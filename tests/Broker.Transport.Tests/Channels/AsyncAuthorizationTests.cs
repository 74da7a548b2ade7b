using System.Buffers;
using Broker.Core.Messaging;
using Broker.Core.Security.Authorization;
using Broker.Core.Sessions;
using Broker.Mqtt;
using Broker.Mqtt.Packets;
using Broker.Mqtt.Properties;
using Broker.Transport.Channels;
using Broker.Transport.Tests.Channels.Support;
using static Broker.Transport.Tests.Channels.Support.Channels;

namespace Broker.Transport.Tests.Channels;

/// <summary>
/// Packets whose check waits for a source that needs I/O (an HTTP service): the channel suspends the packet, hands the
/// connection <see cref="CheckAuthorization"/>, takes nothing else meanwhile, and goes on where it stopped once told
/// the decision, as it would have with an answer at once.
/// </summary>
public sealed class AsyncAuthorizationTests
{
    // The file decides the topics under file/; the service the rest: it allows ok/..., denies the others.
    private const string Acl = """
        {deny, all, all, ["file/deny/#"]}.
        {allow, all, all, ["file/allow/#"]}.
        """;

    private readonly ServiceSource _service = new((_, topic) => topic.StartsWith("ok/", StringComparison.Ordinal) ? AclDecision.Allow : AclDecision.Deny);

    private ChannelSecurity Security(bool disconnectOnDeny = false) => new()
    {
        Authorizer = new Authorizer([AclFile.Parse(Acl, "acl.conf"), _service], AclDecision.Allow, AuthorizationCacheOptions.Default, TimeProvider.System),
        DisconnectOnDeny = disconnectOnDeny,
    };

    private static MqttChannel New(ChannelSecurity security, MqttSettings? settings = null) =>
        new(settings ?? MqttSettings.Default, new FakeConnection(), OpenedAtMs, () => "auto-test", security: security);

    private MqttChannel Connected(MqttProtocolVersion version = MqttProtocolVersion.V500, bool disconnectOnDeny = false, MqttSettings? settings = null)
    {
        var channel = New(Security(disconnectOnDeny), settings);
        Assert.IsType<OpenSession>(channel.HandleIn(Connect(version), OpenedAtMs).Command);
        return channel;
    }

    /// <summary>What the connection does: asks the sources, then tells the channel.</summary>
    private static async Task<ChannelResult> AnswerAsync(MqttChannel channel, ChannelResult suspended)
    {
        var check = Assert.IsType<CheckAuthorization>(suspended.Command);
        Assert.Null(suspended.Reply);
        Assert.True(channel.AwaitsAuthorization);
        var answer = await check.AskAsync(CancellationToken.None);
        return channel.Authorized(check, answer.Decision);
    }

    [Theory]
    [InlineData("ok/line1", false)]
    [InlineData("line1/secret", true)]
    public async Task A_publish_the_file_does_not_decide_waits_for_the_service_then_goes_to_the_session(string topic, bool denied)
    {
        var channel = Connected();

        var suspended = channel.HandleIn(Publish(topic, QualityOfService.AtLeastOnce, 7), 5);
        var check = Assert.IsType<CheckAuthorization>(suspended.Command);
        Assert.Equal((AclAction.Publish, topic, QualityOfService.AtLeastOnce, false), (check.Action, check.Topic, check.QoS, check.Retain));
        var publish = Assert.IsType<ClientPublish>((await AnswerAsync(channel, suspended)).Command);

        Assert.Equal((topic, (ushort)7, denied), (publish.Message.Topic, publish.PacketId, publish.Denied));
        Assert.Equal(denied ? 0 : 2, publish.Message.Payload.Length);
        Assert.Equal(5, publish.Message.ReceivedAtMs);
        Assert.False(channel.AwaitsAuthorization);
    }

    [Fact]
    public async Task The_decision_is_cached_so_the_same_publish_is_answered_at_once_and_the_file_is_never_waited_for()
    {
        var channel = Connected();
        await AnswerAsync(channel, channel.HandleIn(Publish("ok/line1", QualityOfService.AtMostOnce, 0), 0));

        Assert.IsType<ClientPublish>(channel.HandleIn(Publish("ok/line1", QualityOfService.AtMostOnce, 0), 0).Command);
        Assert.True(Assert.IsType<ClientPublish>(channel.HandleIn(Publish("file/deny/x", QualityOfService.AtMostOnce, 0), 0).Command).Denied);
        Assert.False(Assert.IsType<ClientPublish>(channel.HandleIn(Publish("file/allow/x", QualityOfService.AtMostOnce, 0), 0).Command).Denied);
        Assert.Equal(["ok/line1"], _service.Asked);
    }

    [Fact]
    public async Task The_topic_alias_is_resolved_before_the_check_and_left_out_of_the_message()
    {
        var channel = Connected(settings: MqttSettings.Default with { TopicAliasMaximum = 10 });
        var aliased = Publish("ok/aliased", QualityOfService.AtMostOnce, 0) with { Properties = new MqttProperties { TopicAlias = 3 } };
        var publish = Assert.IsType<ClientPublish>((await AnswerAsync(channel, channel.HandleIn(aliased, 0))).Command);

        var again = channel.HandleIn(Publish("", QualityOfService.AtMostOnce, 0) with { Properties = new MqttProperties { TopicAlias = 3 } }, 0);

        Assert.Null(publish.Message.Properties.TopicAlias);
        Assert.Equal("ok/aliased", Assert.IsType<ClientPublish>(again.Command).Message.Topic);
    }

    [Fact]
    public async Task With_deny_action_disconnect_a_publish_the_service_denies_ends_the_connection_with_0x87()
    {
        var channel = Connected(disconnectOnDeny: true);

        var result = await AnswerAsync(channel, channel.HandleIn(Publish("line1/secret", QualityOfService.AtLeastOnce, 1), 0));

        Assert.Equal(ReasonCode.NotAuthorized, Disconnect(result, channel).ReasonCode);
    }

    [Theory]
    [InlineData(MqttProtocolVersion.V500)]
    [InlineData(MqttProtocolVersion.V311)]
    public async Task A_subscribe_waits_filter_by_filter_in_order_and_refuses_the_denied_ones(MqttProtocolVersion version)
    {
        var channel = Connected(version);

        var first = channel.HandleIn(Subscribe("file/deny/a", "ok/b", "file/allow/c", "line2/d"), 0);
        var second = await AnswerAsync(channel, first);
        var done = await AnswerAsync(channel, second);

        Assert.Equal(["ok/b", "line2/d"], _service.Asked);
        var subscribe = Assert.IsType<ClientSubscribe>(done.Command);
        Assert.Equal(new ReasonCode?[] { ReasonCode.NotAuthorized, null, null, ReasonCode.NotAuthorized }, subscribe.Refused);
    }

    [Fact]
    public async Task With_deny_action_disconnect_a_filter_the_service_denies_ends_the_connection_and_later_filters_are_not_asked()
    {
        var channel = Connected(disconnectOnDeny: true);

        var result = await AnswerAsync(channel, channel.HandleIn(Subscribe("line2/d", "ok/b"), 0));

        Assert.Equal(ReasonCode.NotAuthorized, Disconnect(result, channel).ReasonCode);
        Assert.Equal(["line2/d"], _service.Asked);
    }

    [Theory]
    [InlineData("ok/state", true)]
    [InlineData("line1/state", false)]
    public async Task A_will_the_file_does_not_decide_waits_before_the_session_opens_and_is_dropped_when_denied(string topic, bool kept)
    {
        var channel = New(Security());
        var will = new WillMessage { Topic = topic, Payload = "gone"u8.ToArray(), QoS = QualityOfService.AtLeastOnce };

        var suspended = channel.HandleIn(Connect(will: will), OpenedAtMs);
        Assert.Equal(ChannelState.AwaitingConnect, channel.State);
        var open = Assert.IsType<OpenSession>((await AnswerAsync(channel, suspended)).Command);

        Assert.Equal(kept, open.Request.Will is not null);
        Assert.Equal((ChannelState.Connected, "client-1"), (channel.State, channel.ClientId));
    }

    [Fact]
    public void Nothing_else_comes_in_while_a_packet_waits_the_connection_reads_on_only_after_the_answer()
    {
        var channel = Connected();
        var suspended = channel.HandleIn(Publish("ok/first", QualityOfService.AtLeastOnce, 1), 0);

        Assert.Throws<InvalidOperationException>(() => channel.HandleIn(Publish("file/allow/second", QualityOfService.AtLeastOnce, 2), 0));

        var first = channel.Authorized(Assert.IsType<CheckAuthorization>(suspended.Command), AclDecision.Allow);
        Assert.Equal((ushort)1, Assert.IsType<ClientPublish>(first.Command).PacketId);
        Assert.Equal((ushort)2, Assert.IsType<ClientPublish>(channel.HandleIn(Publish("file/allow/second", QualityOfService.AtLeastOnce, 2), 0).Command).PacketId);
    }

    [Fact]
    public void While_a_packet_waits_the_client_is_held_not_idle_and_its_keep_alive_runs_again_after()
    {
        var channel = Connected();
        var suspended = channel.HandleIn(Publish("ok/first", QualityOfService.AtMostOnce, 0), 0);

        Assert.Null(channel.KeepAliveDeadlineMs(0));
        channel.Authorized(Assert.IsType<CheckAuthorization>(suspended.Command), AclDecision.Allow);

        Assert.Equal(90_000, channel.KeepAliveDeadlineMs(0));
    }

    [Fact]
    public void A_connect_closed_by_the_idle_timeout_while_its_will_waits_opens_no_session()
    {
        var channel = New(Security());
        var will = new WillMessage { Topic = "ok/state", Payload = "gone"u8.ToArray() };
        var suspended = channel.HandleIn(Connect(will: will), OpenedAtMs);

        Assert.NotNull(channel.HandleKeepAliveExpired().Close);

        Assert.Equal(ChannelResult.None, channel.Authorized(Assert.IsType<CheckAuthorization>(suspended.Command), AclDecision.Allow));
        Assert.Equal(ChannelState.Closed, channel.State);
    }

    private static PublishPacket Publish(string topic, QualityOfService qos, ushort packetId) => new()
    {
        Topic = topic,
        QoS = qos,
        PacketId = packetId,
        Payload = new ReadOnlySequence<byte>("42"u8.ToArray()),
    };

    private static SubscribePacket Subscribe(params string[] filters) => new()
    {
        PacketId = 1,
        Subscriptions = filters.Select(f => new TopicSubscription(f, new SubscriptionOptions(QualityOfService.AtLeastOnce))).ToArray(),
    };
}
