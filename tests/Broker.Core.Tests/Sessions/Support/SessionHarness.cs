using System.Text;
using Broker.Actors;
using Broker.Core.Messaging;
using Broker.Core.Routing;
using Broker.Core.Sessions;
using Broker.Core.Sessions.Journal;
using Broker.Mqtt;
using Broker.Mqtt.Packets;
using Broker.Mqtt.Properties;

namespace Broker.Core.Tests.Sessions.Support;

/// <summary>
/// A <see cref="SessionState"/> driven packet by packet on a clock the test moves, with no actor, router or
/// connection: after every input it takes the effects the state returned, in order, and keeps them for the test
/// (packets sent, routes, publishes, redispatches, timers, journal events), answering the two that need an answer
/// as the actor would: a publish with <see cref="PublishResult"/> deliveries (joining its commit when
/// <see cref="JoinCommits"/>), a retained lookup with what <see cref="AddRetained"/> stored. Credits are returned
/// and commits left as the actor does, so that tests see their publishers released.
/// </summary>
internal sealed class SessionHarness
{
    public const string ClientId = "client-1";

    private readonly IActorRef _self;
    private readonly List<SessionEffect> _effects = [];
    private readonly List<MqttPacket> _sent = [];
    private readonly List<ApplicationMessage> _published = [];
    private readonly List<PublishCommit> _commits = [];
    private readonly List<RouteAdded> _subscribed = [];
    private readonly List<string> _unsubscribed = [];
    private readonly List<Redispatched> _redispatched = [];
    private readonly List<SessionEvent> _recorded = [];
    private readonly Dictionary<string, List<ApplicationMessage>> _retained = [];
    private long _nextConnectionId = 1;
    private int _read;

    /// <param name="self">The session's own reference, which the commits of its publishes tell; by default one that refuses every message.</param>
    public SessionHarness(MqttSettings? settings = null, MqttProtocolVersion version = MqttProtocolVersion.V500, ushort receiveMaximum = ushort.MaxValue, uint maximumPacketSize = uint.MaxValue, IActorRef? self = null)
    {
        Settings = settings ?? MqttSettings.Default;
        _self = self ?? NoActor.Instance;
        State = new SessionState(ClientId, Settings, Metrics);
        Attach(version, receiveMaximum, maximumPacketSize);
    }

    public MqttSettings Settings { get; }

    public BrokerMetrics Metrics { get; } = new();

    public SessionState State { get; }

    public long NowMs { get; set; } = 1_000_000;

    /// <summary>What the connection says with every input: whether it takes more packets.</summary>
    public bool Writable { get; set; } = true;

    /// <summary>What the connection takes, when <see cref="Writable"/>: unlimited unless the test sets it.</summary>
    public ConnectionRoom WritableRoom { get; set; } = ConnectionRoom.Unlimited;

    private ConnectionRoom Room => Writable ? WritableRoom : ConnectionRoom.None;

    /// <summary>The number of deliveries a routed publish is answered with.</summary>
    public int PublishResult { get; set; } = 1;

    /// <summary>Joins every commit a publish is routed with, as a durable subscriber would, so that the test completes it.</summary>
    public bool JoinCommits { get; set; }

    /// <summary>The id of the connection attached last.</summary>
    public long ConnectionId { get; private set; }

    /// <summary>The close effect's reason, once the current connection was told to close (null: without one).</summary>
    public ReasonCode? CloseReason => Drained()._closeReason;

    public bool Closed => Drained()._closed;

    /// <summary>Every effect so far, in order.</summary>
    public IReadOnlyList<SessionEffect> Effects => [.. Drained()._effects];

    public IReadOnlyList<ApplicationMessage> Published => [.. Drained()._published];

    public IReadOnlyList<PublishCommit> Commits => [.. Drained()._commits];

    public IReadOnlyList<RouteAdded> Subscribed => [.. Drained()._subscribed];

    public IReadOnlyList<string> Unsubscribed => [.. Drained()._unsubscribed];

    public IReadOnlyList<SessionEvent> Recorded => [.. Drained()._recorded];

    private ReasonCode? _closeReason;
    private bool _closed;

    /// <summary>A new connection (a reconnection, or a takeover when one is attached); packets are read from it from now on.</summary>
    public void Attach(MqttProtocolVersion version = MqttProtocolVersion.V500, ushort receiveMaximum = ushort.MaxValue, uint maximumPacketSize = uint.MaxValue, IInboundCredit? inboundCredit = null)
    {
        Run();
        ConnectionId = _nextConnectionId++;
        _sent.Clear();
        _read = 0;
        _closed = false;
        _closeReason = null;
        State.Attach(ConnectionId, new ClientCapabilities(version, receiveMaximum, maximumPacketSize), inboundCredit, Room, NowMs);
        Run();
    }

    /// <summary>The connection is gone; returns the shared messages the state gave back for redispatch.</summary>
    public IReadOnlyList<Redispatched> Detach()
    {
        Run();
        var before = _redispatched.Count;
        State.Detach(NowMs);
        Run();
        return _redispatched[before..];
    }

    public void End()
    {
        State.End();
        Run();
    }

    public void AddRetained(string filter, ApplicationMessage message)
    {
        if (!_retained.TryGetValue(filter, out var list))
        {
            _retained[filter] = list = [];
        }

        list.Add(message);
    }

    /// <summary>Subscribes one filter and returns the SUBACK code; retained messages sent after it stay unread.</summary>
    public ReasonCode Subscribe(string filter, SubscriptionOptions options, int subscriptionId = 0, ReasonCode? refused = null)
    {
        var packet = new SubscribePacket
        {
            PacketId = 99,
            Subscriptions = [new TopicSubscription(filter, options)],
            Properties = subscriptionId == 0 ? MqttProperties.Empty : new MqttProperties { SubscriptionIdentifiers = [subscriptionId] },
        };
        Sent();
        Subscribe(packet, [refused]);
        return Next<SubAckPacket>().ReasonCodes.Single();
    }

    public ReasonCode Subscribe(string filter, QualityOfService qos = QualityOfService.ExactlyOnce) => Subscribe(filter, new SubscriptionOptions(qos));

    public void Subscribe(SubscribePacket packet, IReadOnlyList<ReasonCode?> refused)
    {
        State.Subscribe(packet, refused, Room);
        Run();
    }

    public void Unsubscribe(UnsubscribePacket packet)
    {
        State.Unsubscribe(packet);
        Run();
    }

    public void Deliver(ApplicationMessage message, string filter = "t/#", SubscriptionOptions? options = null, int subscriptionId = 0, string? shareGroup = null, bool fromRetained = false)
    {
        var subscribed = State.Subscriptions.TryGetValue(filter, out var subscription);
        var effective = options ?? (subscribed ? subscription!.Options : new SubscriptionOptions(QualityOfService.ExactlyOnce));
        Deliver(new Deliver(message, filter, effective, subscriptionId, shareGroup, fromRetained));
    }

    /// <summary>One delivery for several of the client's subscriptions, as the router sends when they overlap.</summary>
    public void DeliverOverlapping(ApplicationMessage message, params SubscriptionMatch[] matches) =>
        Deliver(new Deliver(message, [.. matches], null));

    /// <summary>Returns whether the state kept the delivery's credit.</summary>
    public bool Deliver(Deliver deliver)
    {
        var kept = State.Deliver(deliver, Room, NowMs);
        Run();
        return kept;
    }

    public void HandlePublish(ApplicationMessage message, ushort packetId, IInboundCredit? credit = null, bool denied = false)
    {
        State.HandlePublish(message, packetId, NowMs, credit, denied);
        Run();
    }

    public void PublishCommitted(PublishCommit commit)
    {
        State.PublishCommitted(commit);
        Run();
    }

    public void Ack(PublishAcknowledgement ack)
    {
        State.HandleAcknowledgement(ack, Room, NowMs);
        Run();
    }

    public void Drain()
    {
        State.Drain(Room, NowMs);
        Run();
    }

    public void Timeout(SessionTimer timer)
    {
        State.HandleTimeout(timer, Room, NowMs);
        Run();
    }

    /// <summary>Packets sent since the last call, to check one step at a time.</summary>
    public IReadOnlyList<MqttPacket> Sent()
    {
        Run();
        var taken = _sent[_read..];
        _read = _sent.Count;
        return taken;
    }

    public IReadOnlyList<PublishPacket> SentPublishes() => [.. Sent().OfType<PublishPacket>()];

    /// <summary>The next packet not yet read by this method or <see cref="Sent"/>.</summary>
    public T Next<T>()
        where T : MqttPacket
    {
        Run();
        Assert.True(_read < _sent.Count, $"No {typeof(T).Name} was sent.");
        return Assert.IsType<T>(_sent[_read++]);
    }

    /// <summary>Carries out what the state returned so far, as the session actor does.</summary>
    public void Run()
    {
        ref var effects = ref State.Effects;
        for (var i = 0; i < effects.Count; i++)
        {
            var effect = effects[i];
            _effects.Add(effect);
            Carry(effect);
        }

        effects.Clear();
    }

    private SessionHarness Drained()
    {
        Run();
        return this;
    }

    private void Carry(SessionEffect effect)
    {
        switch (effect.Kind)
        {
            case SessionEffectKind.Send:
                _sent.Add(effect.Packet);
                break;
            case SessionEffectKind.Close when !_closed:
                _closed = true;
                _closeReason = effect.Reason;
                break;
            case SessionEffectKind.Record:
                _recorded.Add(effect.Event);
                break;
            case SessionEffectKind.AddRoute:
                _subscribed.Add(new RouteAdded(effect.Filter, effect.Subscription.Options, effect.Subscription.SubscriptionId, effect.Durable));
                break;
            case SessionEffectKind.RemoveRoute:
                _unsubscribed.Add(effect.Filter);
                break;
            case SessionEffectKind.Publish:
                _published.Add(effect.Message);
                if (effect.Message.QoS != QualityOfService.AtMostOnce)
                {
                    var commit = effect.Commit ?? new PublishCommit(_self, State.AcknowledgeAfterCommit).Begin(effect.PacketId);
                    if (JoinCommits)
                    {
                        commit.Join();
                        _commits.Add(commit);
                    }

                    State.Routed(effect.Message, commit, PublishResult);
                }

                break;
            case SessionEffectKind.GetRetained:
                foreach (var message in _retained.GetValueOrDefault(effect.Filter) ?? [])
                {
                    State.DeliverRetained(message, effect.Filter, effect.Subscription, NowMs);
                }

                break;
            case SessionEffectKind.RedispatchShared:
                _redispatched.Add(new Redispatched(effect.ShareGroup, effect.Filter, effect.Message));
                break;
            case SessionEffectKind.ReturnCredit:
                effect.Credit?.Return();
                break;
            case SessionEffectKind.LeaveCommit:
                effect.Commit?.Succeed();
                break;
        }
    }

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

    public sealed record RouteAdded(string Filter, SubscriptionOptions Options, int SubscriptionId, bool Durable);

    public sealed record Redispatched(string ShareGroup, string Filter, ApplicationMessage Message);
}
