using System.Text;
using Broker.Actors;
using Broker.Transport.Messaging;
using Broker.Transport.Mqtt;
using Broker.Transport.Mqtt.Packets;
using Broker.Transport.Mqtt.Properties;
using Broker.Transport.Routing;
using Broker.Transport.Sessions;

namespace Broker.Transport.Tests.Sessions.Support;

/// <summary>A <see cref="SessionState"/> with its doubles, driven packet by packet on a clock the test moves.</summary>
internal sealed class SessionHarness
{
    public const string ClientId = "client-1";

    private long _nextConnectionId = 1;

    /// <param name="self">The session's own reference; by default one that refuses every message.</param>
    public SessionHarness(MqttSettings? settings = null, MqttProtocolVersion version = MqttProtocolVersion.V500, ushort receiveMaximum = ushort.MaxValue, uint maximumPacketSize = uint.MaxValue, IActorRef? self = null)
    {
        Settings = settings ?? MqttSettings.Default;
        State = new SessionState(ClientId, self ?? NoActor.Instance, Router, Settings, Metrics);
        Connection = Attach(version, receiveMaximum, maximumPacketSize);
    }

    public MqttSettings Settings { get; }

    public RecordingRouter Router { get; } = new();

    public BrokerMetrics Metrics { get; } = new();

    public SessionState State { get; }

    public RecordingConnection Connection { get; private set; }

    public long NowMs { get; set; } = 1_000_000;

    public RecordingConnection Attach(MqttProtocolVersion version = MqttProtocolVersion.V500, ushort receiveMaximum = ushort.MaxValue, uint maximumPacketSize = uint.MaxValue)
    {
        Connection = new RecordingConnection(_nextConnectionId++, version);
        State.Attach(Connection, new ClientCapabilities(version, receiveMaximum, maximumPacketSize), NowMs);
        return Connection;
    }

    public IReadOnlyList<SharedRedispatch> Detach() => State.Detach(NowMs);

    /// <summary>Subscribes one filter and returns the SUBACK code; retained messages sent after it stay unread.</summary>
    public ReasonCode Subscribe(string filter, SubscriptionOptions options, int subscriptionId = 0, ReasonCode? refused = null)
    {
        var packet = new SubscribePacket
        {
            PacketId = 99,
            Subscriptions = [new TopicSubscription(filter, options)],
            Properties = subscriptionId == 0 ? MqttProperties.Empty : new MqttProperties { SubscriptionIdentifiers = [subscriptionId] },
        };
        Connection.TakeSent();
        State.Subscribe(packet, [refused], NowMs);
        return Connection.Next<SubAckPacket>().ReasonCodes.Single();
    }

    public ReasonCode Subscribe(string filter, QualityOfService qos = QualityOfService.ExactlyOnce) => Subscribe(filter, new SubscriptionOptions(qos));

    public void Deliver(ApplicationMessage message, string filter = "t/#", SubscriptionOptions? options = null, int subscriptionId = 0, string? shareGroup = null, bool fromRetained = false)
    {
        var subscribed = State.Subscriptions.TryGetValue(filter, out var subscription);
        var effective = options ?? (subscribed ? subscription!.Options : new SubscriptionOptions(QualityOfService.ExactlyOnce));
        State.Deliver(new Deliver(message, filter, effective, subscriptionId, shareGroup, fromRetained), NowMs);
    }

    /// <summary>One delivery for several of the client's subscriptions, as the router sends when they overlap.</summary>
    public void DeliverOverlapping(ApplicationMessage message, params SubscriptionMatch[] matches) =>
        State.Deliver(new Deliver(message, [.. matches], null), NowMs);

    public IReadOnlyList<MqttPacket> Sent() => Connection.TakeSent();

    public IReadOnlyList<PublishPacket> SentPublishes() => [.. Connection.TakeSent().OfType<PublishPacket>()];

    public void Ack(PublishAcknowledgement ack) => State.HandleAcknowledgement(ack, NowMs);

    public static ApplicationMessage Message(
        string topic = "t/1",
        QualityOfService qos = QualityOfService.AtLeastOnce,
        bool retain = false,
        string? payload = "hello",
        string? publisher = "someone-else",
        uint? expirySeconds = null,
        long receivedAtMs = 1_000_000) => new()
        {
            Topic = topic,
            QoS = qos,
            Retain = retain,
            Payload = Encoding.UTF8.GetBytes(payload ?? ""),
            PublisherId = publisher,
            ReceivedAtMs = receivedAtMs,
            Properties = expirySeconds is null ? MqttProperties.Empty : new MqttProperties { MessageExpiryInterval = expirySeconds },
        };
}
