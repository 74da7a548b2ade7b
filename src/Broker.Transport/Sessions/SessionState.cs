using Broker.Actors;
using Broker.Transport.Messaging;
using Broker.Transport.Mqtt;
using Broker.Transport.Mqtt.Packets;
using Broker.Transport.Routing;
using Broker.Transport.Sessions.Journal;

namespace Broker.Transport.Sessions;

/// <summary>
/// The MQTT session as a pure state machine (EMQX's emqx_session): subscriptions, the outgoing
/// inflight window and queue, inbound QoS 2 ids awaiting PUBREL. No actor, no clock, no thread: every
/// method that depends on time takes <c>nowMs</c>; packets go to the attached
/// <see cref="IClientConnection"/> and routing to the <see cref="IRouter"/>, both small interfaces that
/// tests replace with recording doubles. <see cref="SessionActor"/> is the thin shell that owns it.
/// <para>
/// Persistence: every change to what a persistent session keeps (subscriptions, QoS 1/2 messages inflight
/// and queued, awaiting-rel ids) goes through one of the mutators at the end of this file, and nowhere else.
/// For a durable session they report each change to the <see cref="Journal"/> as a
/// <see cref="SessionEvent"/>, which <see cref="Apply"/> replays to rebuild the state (SessionState.Recovery.cs);
/// the connection and the packet id cursor are not part of it.
/// </para>
/// </summary>
public sealed partial class SessionState
{
    private readonly IActorRef _self;
    private readonly IRouter _router;
    private readonly MqttSettings _settings;
    private readonly BrokerMetrics _metrics;
    // Read by every session without a subscription, written by none: a subscriber makes its own with the first one
    // (issue 5, memory per idle connection: 80 B a session).
    private static readonly Dictionary<string, SessionSubscription> NoSubscriptions = new(StringComparer.Ordinal);
    private Dictionary<string, SessionSubscription> _subscriptions = NoSubscriptions;
    private readonly InflightWindow _inflight;
    private readonly MessageQueue _queue;
    private readonly AwaitingRelSet _awaitingRel;
    private readonly PacketIdAllocator _packetIds = new();
    private DropWarnings _dropWarnings;
    private Func<ushort, bool>? _isInflight;
    private IClientConnection? _connection;
    private ClientCapabilities _client = new(MqttProtocolVersion.V311);
    private long _nextMessageId = 1;

    /// <param name="self">The session actor, which the router sends <see cref="Deliver"/> to.</param>
    public SessionState(string clientId, IActorRef self, IRouter router, MqttSettings settings, BrokerMetrics metrics)
    {
        ArgumentNullException.ThrowIfNull(clientId);
        ArgumentNullException.ThrowIfNull(self);
        ArgumentNullException.ThrowIfNull(router);
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(metrics);
        ClientId = clientId;
        _self = self;
        _router = router;
        _settings = settings;
        _metrics = metrics;
        _inflight = new InflightWindow(InflightCapacity(ushort.MaxValue));
        _queue = new MessageQueue(settings.MaxQueueLength);
        _awaitingRel = new AwaitingRelSet(settings.MaxAwaitingRel);
    }

    public string ClientId { get; }

    /// <summary>Set while the session is durable: its changes are reported here. Null: memory only.</summary>
    public ISessionJournal? Journal { get; set; }

    public IClientConnection? Connection => _connection;

    public bool IsConnected => _connection is not null;

    public IReadOnlyDictionary<string, SessionSubscription> Subscriptions => _subscriptions;

    public int InflightCount => _inflight.Count;

    public int InflightCapacityNow => _inflight.Capacity;

    public int QueueLength => _queue.Count;

    public int AwaitingRelCount => _awaitingRel.Count;

    /// <summary>Messages this session discarded, whatever the reason (<see cref="DropReason"/>).</summary>
    public long DroppedMessages { get; private set; }

    /// <summary>
    /// Serves <paramref name="connection"/> from now on: resends every unacknowledged PUBLISH (DUP set)
    /// and PUBREL in their original order [MQTT-4.4.0-1], then drains the queue. The caller has sent
    /// CONNACK first. Attaching while attached is a takeover: the new connection simply replaces the old.
    /// </summary>
    public void Attach(IClientConnection connection, ClientCapabilities client, long nowMs)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(client);
        _connection = connection;
        _client = client;
        _receiveQuota = null;
        _inflight.Capacity = InflightCapacity(client.ReceiveMaximum);
        Progressed(nowMs);
        RebuildRecoveredPackets(nowMs);
        ResendInflight(nowMs, _ => true);
        Drain(nowMs);
    }

    /// <summary>
    /// The connection is gone. Messages of shared subscriptions not yet received by the client (queued,
    /// or sent and unacknowledged) are taken out and returned, for the router to give to another member
    /// of their group. QoS 2 messages already past PUBREC stay: the client has them.
    /// </summary>
    public IReadOnlyList<SharedRedispatch> Detach(long nowMs)
    {
        _connection = null;
        _receiveQuota = null;
        var shared = TakeSharedMessages();
        UpdatePushBack(nowMs);
        return shared;
    }

    /// <summary>The session ends: its subscriptions leave the router. Returns the shared messages to redispatch.</summary>
    public IReadOnlyList<SharedRedispatch> End()
    {
        _connection = null;
        ReleaseHeld();
        foreach (var filter in _subscriptions.Keys.ToArray())
        {
            _router.Unsubscribe(ClientId, filter);
            RemoveSubscription(filter);
        }

        return TakeSharedMessages();
    }

    private IReadOnlyList<SharedRedispatch> TakeSharedMessages()
    {
        var shared = new List<SharedRedispatch>();
        foreach (var message in RemoveInflightWhere(m => m.Source.ShareGroup is not null && m.Phase == InflightPhase.AwaitingAck))
        {
            shared.Add(new SharedRedispatch(message.Source.ShareGroup!, message.Source.Filter, message.Source.Message));
        }

        foreach (var queued in RemoveQueuedWhere(q => q.Deliver.ShareGroup is not null))
        {
            shared.Add(new SharedRedispatch(queued.Deliver.ShareGroup!, queued.Deliver.Filter, queued.Deliver.Message));
        }

        return shared;
    }

    /// <summary>The drops since the last report, per reason, when a report is due (at most one per 10 s, unless <paramref name="final"/>); null otherwise.</summary>
    public string? TakeDropReport(long nowMs, bool final = false) => _dropWarnings.Take(nowMs, final);

    /// <summary>When <see cref="TakeDropReport"/> next has something to say; null while nothing was dropped.</summary>
    public long? NextDropReportMs() => _dropWarnings.NextReportMs;

    private int InflightCapacity(ushort receiveMaximum) =>
        Math.Clamp(Math.Min(_settings.MaxInflight, receiveMaximum), 1, ushort.MaxValue);

    private void Send(MqttPacket packet) => _connection?.Send(packet);

    private void CountDrop(DropReason reason)
    {
        DroppedMessages++;
        _metrics.MessageDropped(reason);
        _dropWarnings.Count(reason);
    }

    // ---- Mutators: the only places that change the persistent state (see the class comment). ----

    private void AddSubscription(string filter, SessionSubscription subscription)
    {
        WritableSubscriptions[filter] = subscription;
        Journal?.Record(new SubscriptionAdded(filter, subscription));
    }

    private Dictionary<string, SessionSubscription> WritableSubscriptions =>
        ReferenceEquals(_subscriptions, NoSubscriptions) ? _subscriptions = new(StringComparer.Ordinal) : _subscriptions;

    private bool RemoveSubscription(string filter)
    {
        if (!_subscriptions.Remove(filter))
        {
            return false;
        }

        Journal?.Record(new SubscriptionRemoved(filter));
        return true;
    }

    /// <param name="queuedId">The message's id when it comes out of the queue (already journaled); 0 when it is new.</param>
    private void AddInflight(InflightMessage message, long queuedId)
    {
        // A window that was empty starts the slow-subscriber clock now, not at the last acknowledgement, long ago.
        if (_inflight.Count == 0)
        {
            Progressed(message.SentAtMs);
        }

        _inflight.Add(message);
        if (Journal is { } journal)
        {
            journal.Record(queuedId != 0
                ? new MessageSent(queuedId, message.PacketId)
                : new MessageStored(_nextMessageId++, message.Source, message.Packet.QoS, message.PacketId));
        }
    }

    private void UpdateInflight(InflightMessage message)
    {
        if (Journal is { } journal && _inflight.TryGet(message.PacketId, out var before) && before.Phase != message.Phase)
        {
            journal.Record(new MessageReleased(message.PacketId));
        }

        _inflight.Update(message);
    }

    private bool RemoveInflight(ushort packetId)
    {
        if (!_inflight.Remove(packetId))
        {
            return false;
        }

        Journal?.Record(new MessageCompleted(packetId));
        return true;
    }

    private IReadOnlyList<InflightMessage> RemoveInflightWhere(Func<InflightMessage, bool> predicate)
    {
        var removed = _inflight.RemoveWhere(predicate);
        if (Journal is { } journal)
        {
            foreach (var message in removed)
            {
                journal.Record(new MessageCompleted(message.PacketId));
            }
        }

        return removed;
    }

    private void Enqueue(QueuedDelivery delivery, bool overflow = false)
    {
        if (Journal is { } journal && delivery.QoS != QualityOfService.AtMostOnce && delivery.Id == 0)
        {
            delivery = delivery with { Id = _nextMessageId++ };
            journal.Record(new MessageStored(delivery.Id, delivery.Deliver, delivery.QoS, 0));
        }

        if (_queue.Enqueue(delivery, overflow) is { } dropped)
        {
            DroppedFromQueue(dropped);
        }
    }

    /// <summary>Pushed out of a full queue: counted by its QoS, and gone from the journal.</summary>
    private void DroppedFromQueue(QueuedDelivery dropped)
    {
        CountDrop(dropped.QoS == QualityOfService.AtMostOnce ? DropReason.QoS0Message : DropReason.QueueFull);
        Discarded(dropped);
    }

    private bool TryDequeue(out QueuedDelivery delivery) => _queue.TryDequeue(out delivery);

    private bool TryDequeueAtMostOnce(out QueuedDelivery delivery) => _queue.TryDequeueAtMostOnce(out delivery);

    private IReadOnlyList<QueuedDelivery> RemoveQueuedWhere(Func<QueuedDelivery, bool> predicate)
    {
        var removed = _queue.RemoveWhere(predicate);
        foreach (var delivery in removed)
        {
            Discarded(delivery);
        }

        return removed;
    }

    private void Discarded(QueuedDelivery delivery) => Discarded(delivery.Id);

    /// <summary>A message taken off the queue that will not be sent; 0 names a message that was never journaled.</summary>
    private void Discarded(long queuedId)
    {
        if (queuedId != 0)
        {
            Journal?.Record(new MessageDiscarded(queuedId));
        }
    }

    private AwaitingRelAddResult AddAwaitingRel(ushort packetId, long nowMs)
    {
        var result = _awaitingRel.TryAdd(packetId, nowMs);
        if (result == AwaitingRelAddResult.Added)
        {
            Journal?.Record(new AwaitingRelAdded(packetId, nowMs));
        }

        return result;
    }

    private bool RemoveAwaitingRel(ushort packetId)
    {
        if (!_awaitingRel.Remove(packetId))
        {
            return false;
        }

        Journal?.Record(new AwaitingRelRemoved(packetId));
        return true;
    }

    private IReadOnlyList<ushort> RemoveAwaitingRelBefore(long cutoffMs)
    {
        var removed = _awaitingRel.RemoveReceivedAtOrBefore(cutoffMs);
        if (Journal is { } journal)
        {
            foreach (var packetId in removed)
            {
                journal.Record(new AwaitingRelRemoved(packetId));
            }
        }

        return removed;
    }
}
