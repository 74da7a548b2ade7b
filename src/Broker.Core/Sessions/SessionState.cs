using Broker.Core.Messaging;
using Broker.Core.Routing;
using Broker.Core.Sessions.Journal;
using Broker.Mqtt;
using Broker.Mqtt.Packets;

namespace Broker.Core.Sessions;

/// <summary>
/// The MQTT session as a pure state machine (EMQX's emqx_session): subscriptions, the outgoing
/// inflight window and queue, inbound QoS 2 ids awaiting PUBREL. No actor, no router, no connection, no clock,
/// no thread: every method that depends on time takes <c>nowMs</c>, and what it needs of the connection (its id,
/// the client's capabilities, what it takes before it stops being writable: <see cref="ConnectionRoom"/>) comes in as
/// plain data. A handler changes the state and
/// appends what must happen outside it to <see cref="Effects"/> (packets to send, routes to add or remove,
/// messages to publish, retained lookups, shared messages to redispatch, credits to return, commits to leave,
/// timers, journal events), in the order it must happen; <see cref="SessionActor"/>, the thin shell that owns it,
/// carries them out and clears the list. Where the state needs an answer (the deliveries of a publish for its
/// acknowledgement, the retained messages of a filter) the effect is the handler's last, and the actor hands the
/// answer back (<see cref="Routed"/>, <see cref="DeliverRetained"/>).
/// <para>
/// Persistence: every change to what a persistent session keeps (subscriptions, QoS 1/2 messages inflight
/// and queued, awaiting-rel ids) goes through one of the mutators at the end of this file, and nowhere else.
/// For a durable session (<see cref="IsJournaled"/>) each change is a <see cref="SessionEffectKind.Record"/> of a
/// <see cref="SessionEvent"/>, which <see cref="Apply"/> replays to rebuild the state (SessionState.Recovery.cs);
/// the connection and the packet id cursor are not part of it.
/// </para>
/// </summary>
public sealed partial class SessionState
{
    private readonly MqttSettings _settings;
    private readonly BrokerMetrics _metrics;
    // Not readonly: a mutable struct, changed in place.
    private SessionEffects _effects;

    // Read by every session without a subscription, written by none: a subscriber makes its own with the first
    // one, so that an idle connection's session does not pay for a table.
    private static readonly Dictionary<string, SessionSubscription> NoSubscriptions = new(StringComparer.Ordinal);
    private Dictionary<string, SessionSubscription> _subscriptions = NoSubscriptions;
    private readonly InflightWindow _inflight;
    private readonly MessageQueue _queue;
    private readonly AwaitingRelSet _awaitingRel;
    private readonly PacketIdAllocator _packetIds = new();
    private DropWarnings _dropWarnings;
    private Func<ushort, bool>? _isInflight;

    // The attached connection, as data: its id (0: none), its inbound credit (compared, never called), the room it
    // had when the input being handled was made less what this turn sent, and what its CONNECT said of the client.
    private long _connectionId;
    private IInboundCredit? _connectionCredit;
    private ConnectionRoom _room;
    private ClientCapabilities _client = new(MqttProtocolVersion.V311);
    private long _nextMessageId = 1;

    public SessionState(string clientId, MqttSettings settings, BrokerMetrics metrics)
    {
        ArgumentNullException.ThrowIfNull(clientId);
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(metrics);
        ClientId = clientId;
        _settings = settings;
        _metrics = metrics;
        _inflight = new InflightWindow(InflightCapacity(ushort.MaxValue));
        _queue = new MessageQueue(settings.MaxQueueLength);
        _awaitingRel = new AwaitingRelSet(settings.MaxAwaitingRel);
    }

    public string ClientId { get; }

    /// <summary>What the handlers called since the last <see cref="SessionEffects.Clear"/> decided must happen, in order; by reference.</summary>
    public ref SessionEffects Effects => ref _effects;

    /// <summary>Set while the session is durable: its changes are recorded as <see cref="SessionEffectKind.Record"/> effects.</summary>
    public bool IsJournaled { get; private set; }

    /// <summary>
    /// The sends of the input just handled used up the connection's room: it may have drained meanwhile. When it is
    /// writable still, the actor calls <see cref="Drain"/> with its room now (no <see cref="ConnectionWritable"/> comes
    /// for a connection that never stopped being writable).
    /// </summary>
    public bool RoomRanOut { get; private set; }

    /// <summary>The id of the attached connection; 0 while none is.</summary>
    public long ConnectionId => _connectionId;

    public bool IsConnected => _connectionId != 0;

    public IReadOnlyDictionary<string, SessionSubscription> Subscriptions => _subscriptions;

    public int InflightCount => _inflight.Count;

    public int InflightCapacityNow => _inflight.Capacity;

    public int QueueLength => _queue.Count;

    /// <summary>How many QoS 1/2 messages may be unacknowledged towards the client now (EMQX's <c>inflight_max</c>).</summary>
    public int InflightMax => _inflight.Capacity;

    /// <summary>How many messages the queue holds at most (EMQX's <c>mqueue_max</c>).</summary>
    public int QueueCapacity => _queue.MaxLength;

    public int AwaitingRelCount => _awaitingRel.Count;

    /// <summary>Messages this session discarded, whatever the reason (<see cref="DropReason"/>).</summary>
    public long DroppedMessages { get; private set; }

    /// <summary>
    /// Serves connection <paramref name="connectionId"/> (not 0) from now on: resends every unacknowledged PUBLISH
    /// (DUP set) and PUBREL in their original order [MQTT-4.4.0-1], then drains the queue. The caller has sent
    /// CONNACK first. Attaching while attached is a takeover: the new connection simply replaces the old.
    /// </summary>
    /// <param name="inboundCredit">The connection's own inbound credit: deliveries of its own publishes never keep it.</param>
    /// <param name="room">What the connection takes now.</param>
    public void Attach(long connectionId, ClientCapabilities client, IInboundCredit? inboundCredit, ConnectionRoom room, long nowMs)
    {
        ArgumentOutOfRangeException.ThrowIfZero(connectionId);
        ArgumentNullException.ThrowIfNull(client);
        _connectionId = connectionId;
        _connectionCredit = inboundCredit;
        Input(room);
        _client = client;
        _receiveQuota = null;
        _inflight.Capacity = InflightCapacity(client.ReceiveMaximum);
        Progressed(nowMs);
        RebuildRecoveredPackets(nowMs);
        ResendInflight(nowMs, static _ => true);
        Drain(nowMs);
        ArmTimers();
    }

    /// <summary>
    /// The connection is gone. Messages of shared subscriptions not yet received by the client (queued,
    /// or sent and unacknowledged) are taken out and redispatched, for the router to give to another member
    /// of their group. QoS 2 messages already past PUBREC stay: the client has them.
    /// </summary>
    public void Detach(long nowMs)
    {
        Disconnect();
        var shared = TakeSharedMessages();
        UpdatePushBack(nowMs);
        Redispatch(shared);
        CancelTimer(SessionTimer.Retry);
    }

    /// <summary>The session ends: its subscriptions leave the router, its shared messages are redispatched.</summary>
    public void End()
    {
        Disconnect();
        ReleaseHeld();
        foreach (var filter in _subscriptions.Keys.ToArray())
        {
            _effects.Add(SessionEffect.RemoveRoute(filter));
            RemoveSubscription(filter);
        }

        Redispatch(TakeSharedMessages());
        _armedTimers = 0;
    }

    private void Disconnect()
    {
        Input(ConnectionRoom.None);
        _connectionId = 0;
        _connectionCredit = null;
        _receiveQuota = null;
    }

    private (IReadOnlyList<InflightMessage> Inflight, IReadOnlyList<QueuedDelivery> Queued) TakeSharedMessages() => (
        RemoveInflightWhere(static m => m.Source.ShareGroup is not null && m.Phase == InflightPhase.AwaitingAck),
        RemoveQueuedWhere(static q => q.Deliver.ShareGroup is not null));

    private void Redispatch((IReadOnlyList<InflightMessage> Inflight, IReadOnlyList<QueuedDelivery> Queued) shared)
    {
        foreach (var message in shared.Inflight)
        {
            _effects.Add(SessionEffect.RedispatchShared(message.Source.ShareGroup!, message.Source.Filter, message.Source.Message));
        }

        foreach (var queued in shared.Queued)
        {
            _effects.Add(SessionEffect.RedispatchShared(queued.Deliver.ShareGroup!, queued.Deliver.Filter, queued.Deliver.Message));
        }
    }

    /// <summary>The drops since the last report, per reason, when a report is due (at most one per 10 s, unless <paramref name="final"/>); null otherwise.</summary>
    public string? TakeDropReport(long nowMs, bool final = false) => _dropWarnings.Take(nowMs, final);

    /// <summary>When <see cref="TakeDropReport"/> next has something to say; null while nothing was dropped.</summary>
    public long? NextDropReportMs() => _dropWarnings.NextReportMs;

    private int InflightCapacity(ushort receiveMaximum) =>
        Math.Clamp(Math.Min(_settings.MaxInflight, receiveMaximum), 1, ushort.MaxValue);

    private void Send(MqttPacket packet)
    {
        if (_connectionId == 0)
        {
            return;
        }

        _effects.Add(SessionEffect.Send(packet));
        if (_room.IsWritable)
        {
            _room = _room.After(packet);
            RoomRanOut = !_room.IsWritable;
        }
    }

    /// <summary>Each input brings the connection's room as it is now.</summary>
    private void Input(ConnectionRoom room)
    {
        _room = room;
        RoomRanOut = false;
    }

    private bool Writable => _room.IsWritable;

    private void Close(ReasonCode? reason = null)
    {
        if (_connectionId != 0)
        {
            _effects.Add(SessionEffect.Close(reason));
        }
    }

    private void Record(SessionEvent @event)
    {
        if (IsJournaled)
        {
            _effects.Add(SessionEffect.Record(@event));
        }
    }

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
        Record(new SubscriptionAdded(filter, subscription));
    }

    private Dictionary<string, SessionSubscription> WritableSubscriptions =>
        ReferenceEquals(_subscriptions, NoSubscriptions) ? _subscriptions = new(StringComparer.Ordinal) : _subscriptions;

    private bool RemoveSubscription(string filter)
    {
        if (!_subscriptions.Remove(filter))
        {
            return false;
        }

        Record(new SubscriptionRemoved(filter));
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
        if (IsJournaled)
        {
            Record(queuedId != 0
                ? new MessageSent(queuedId, message.PacketId)
                : new MessageStored(_nextMessageId++, message.Source, message.Packet.QoS, message.PacketId));
        }
    }

    private void UpdateInflight(InflightMessage message)
    {
        if (IsJournaled && _inflight.TryGet(message.PacketId, out var before) && before.Phase != message.Phase)
        {
            Record(new MessageReleased(message.PacketId));
        }

        _inflight.Update(message);
    }

    private bool RemoveInflight(ushort packetId)
    {
        if (!_inflight.Remove(packetId))
        {
            return false;
        }

        Record(new MessageCompleted(packetId));
        return true;
    }

    private IReadOnlyList<InflightMessage> RemoveInflightWhere(Func<InflightMessage, bool> predicate)
    {
        var removed = _inflight.RemoveWhere(predicate);
        if (IsJournaled)
        {
            foreach (var message in removed)
            {
                Record(new MessageCompleted(message.PacketId));
            }
        }

        return removed;
    }

    private void Enqueue(QueuedDelivery delivery, bool overflow = false)
    {
        if (IsJournaled && delivery.QoS != QualityOfService.AtMostOnce && delivery.Id == 0)
        {
            delivery = delivery with { Id = _nextMessageId++ };
            Record(new MessageStored(delivery.Id, delivery.Deliver, delivery.QoS, 0));
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
            Record(new MessageDiscarded(queuedId));
        }
    }

    private AwaitingRelAddResult AddAwaitingRel(ushort packetId, long nowMs)
    {
        var result = _awaitingRel.TryAdd(packetId, nowMs);
        if (result == AwaitingRelAddResult.Added)
        {
            Record(new AwaitingRelAdded(packetId, nowMs));
        }

        return result;
    }

    private bool RemoveAwaitingRel(ushort packetId)
    {
        if (!_awaitingRel.Remove(packetId))
        {
            return false;
        }

        Record(new AwaitingRelRemoved(packetId));
        return true;
    }

    private IReadOnlyList<ushort> RemoveAwaitingRelBefore(long cutoffMs)
    {
        var removed = _awaitingRel.RemoveReceivedAtOrBefore(cutoffMs);
        if (IsJournaled)
        {
            foreach (var packetId in removed)
            {
                Record(new AwaitingRelRemoved(packetId));
            }
        }

        return removed;
    }
}
