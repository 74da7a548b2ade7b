using Broker.Actors;
using Broker.Actors.Persistence;
using Broker.Core.Messaging;
using Broker.Core.Routing;
using Broker.Core.Sessions.Cluster;
using Broker.Core.Sessions.Journal;
using Broker.Mqtt;
using Broker.Mqtt.Packets;
using Broker.Mqtt.Properties;
using Microsoft.Extensions.Logging;

namespace Broker.Core.Sessions;

/// <summary>
/// The session of one client id, <c>/user/sessions/&lt;escaped client id&gt;</c>: a thin shell around
/// <see cref="SessionState"/> that adds what needs an actor: the current connection, the router, the will and its
/// delay, the session expiry, the timers, and storage. Each message becomes one input of the state, with what the
/// state needs of the connection as plain data (its id, its room before it stops being writable); the state appends its effects to
/// <see cref="SessionState.Effects"/>, and <see cref="RunEffects"/> carries them out in order (SessionActor.Effects.cs)
/// before the next input. Like VerneMQ's queue, it
/// outlives its connections: it is created and stopped by <see cref="SessionRegistry"/>. A session that
/// outlives its connection is durable when storage is enabled: it journals its changes
/// (SessionActor.Durability.cs) and is rebuilt from them after a restart (SessionActor.Recovery.cs).
/// <code>
///   attached ──ClientDisconnected──▶ detached ──AttachSession──▶ attached
///      │  ▲ AttachSession (takeover: old connection closed 0x8E)   │ expiry timer, or expiry 0
///      └──┘                                                        ▼
///   EndSession (Clean Start elsewhere) ───────────────────────▶ ended ──SessionEnded──▶ registry stops it
/// </code>
/// </summary>
public sealed partial class SessionActor : PersistentActor
{
    private static readonly object RetryKey = "retry";
    private static readonly object AwaitRelKey = "await-rel";
    private static readonly object WillKey = "will-delay";
    private static readonly object ExpiryKey = "expiry";
    private static readonly object StallKey = "slow-subscriber";
    private static readonly object DropReportKey = "drop-report";

    private readonly IRouter _router;
    private readonly ILogger _logger;
    private readonly SessionState _state;
    private readonly SessionStorage _storage;

    /// <summary>The connection the state is attached to; under sync durability, behind its <see cref="CommitGate"/>.</summary>
    private IClientConnection? _connection;
    private string? _persistenceId;
    private readonly bool _recover;

    /// <summary>The will of the current connection; cleared by a normal DISCONNECT [MQTT-3.14.4-3].</summary>
    private WillMessage? _will;

    /// <summary>The will of a connection that ended abnormally, waiting for its Will Delay Interval.</summary>
    private WillMessage? _pendingWill;

    private uint _expirySeconds;

    /// <summary>When the last connection ended; null while one is attached.</summary>
    private long? _detachedAtMs;
    private bool _ended;
    private bool _timersStarted;

    /// <summary>The Deliver just handled was queued and its publisher's credit kept by the state: not returned now.</summary>
    private bool _creditKept;

    private SessionActor(SessionStart start)
    {
        var environment = start.Environment;
        _router = environment.Router;
        _logger = environment.Logger;
        _storage = environment.Storage;
        _persistenceId = start.PersistenceId;
        _recover = start.Recover;
        _transferIn = start.Transfer;
        _adopting = start.Adopt;
        _state = new SessionState(start.ClientId, environment.Settings, environment.Metrics)
        {
            AcknowledgeAfterCommit = environment.Storage.Durability == SessionDurability.Sync,
        };
    }

    /// <param name="environment">What every session of a registry shares.</param>
    /// <param name="persistenceId">This incarnation's id in the journal, for a session to recover; null for a new one.</param>
    /// <param name="recover">Rebuild from the journal: a session stored before a restart or a storage failure.</param>
    /// <param name="transfer">The state another node handed over, for a session moved here.</param>
    /// <param name="adopt">Recovered from the rows of a node that is gone, then stored again under an id of this node's.</param>
    internal static Props Props(SessionEnvironment environment, string clientId, string? persistenceId, bool recover, SessionTransferIn? transfer = null, bool adopt = false) =>
        Broker.Actors.Props.Create(static start => new SessionActor(start), new SessionStart(environment, clientId, persistenceId, recover, transfer, adopt));

    /// <summary>Made when first needed: a session that never becomes durable never pays for it.</summary>
    public override string PersistenceId => _persistenceId ??= _storage.NewPersistenceId(ClientId);

    protected override bool RecoversOnStart => _recover;

    private string ClientId => _state.ClientId;

    private long Now => Context.System.Settings.TimeProvider.GetUtcNow().ToUnixTimeMilliseconds();

    protected override void ReceiveCommand(object message)
    {
        if (_ended)
        {
            ReceiveWhenEnded(message);
        }
        else if (!ReceiveStorageReply(message))
        {
            ReceiveWhenActive(message);
        }

        ReportDrops();
        EndTurn();
        if (_creditKept)
        {
            _creditKept = false;
        }
        else
        {
            ReturnCredit(message);
        }
    }

    /// <summary>Handled or ignored, the message no longer waits here: its publisher's connection may read the next.</summary>
    internal static void ReturnCredit(object message)
    {
        switch (message)
        {
            case ClientPublish publish:
                publish.Connection.InboundCredit?.Return();
                break;
            case Deliver deliver:
                deliver.Credit?.Return();
                break;
        }
    }

    private void ReceiveWhenActive(object message)
    {
        if (_movingTo is not null)
        {
            ReceiveWhileMoving(message);
            return;
        }

        switch (message)
        {
            case Deliver deliver:
                HandleDeliver(deliver);
                break;
            case PublishCommit commit:
                _state.PublishCommitted(commit);
                RunEffects();
                break;
            case ClientPublish publish when IsCurrent(publish.Connection):
                _state.HandlePublish(publish.Message, publish.PacketId, Now, publish.Connection.InboundCredit, publish.Denied);
                RunEffects();
                break;
            case ClientAcknowledgement ack when IsCurrent(ack.Connection):
                _state.HandleAcknowledgement(ack.Packet, Room, Now);
                RunEffects();
                break;
            case ClientSubscribe subscribe when IsCurrent(subscribe.Connection):
                _state.Subscribe(subscribe.Packet, subscribe.Refused, Room);
                RunEffects();
                break;
            case ClientUnsubscribe unsubscribe when IsCurrent(unsubscribe.Connection):
                _state.Unsubscribe(unsubscribe.Packet);
                RunEffects();
                break;
            case ConnectionWritable writable when IsCurrent(writable.Connection):
                _state.Drain(Room, Now);
                RunEffects();
                break;
            case ClientDisconnected disconnected when IsCurrent(disconnected.Connection):
                Disconnected(disconnected);
                break;
            case ClientPublish or ClientAcknowledgement or ClientSubscribe or ClientUnsubscribe or ConnectionWritable or ClientDisconnected:
                break; // from a connection this session no longer serves (taken over)
            case AttachSession attach:
                Attach(attach);
                break;
            case EndSession:
                EndByCleanStart();
                break;
            case HandOverSession handOver:
                HandOver(handOver);
                break;
            case DropSession:
                _will = null;
                _pendingWill = null;
                _connection?.Close(ReasonCode.SessionTakenOver);
                End();
                break;
            case TransferPending or TransferDone or TransferStored or Tick.TransferBound:
                ReceiveMovedIn(message);
                break;
            case Tick.Retry:
                _state.HandleTimeout(SessionTimer.Retry, Room, Now);
                RunEffects();
                break;
            case Tick.AwaitRel:
                _state.HandleTimeout(SessionTimer.AwaitRel, Room, Now);
                RunEffects();
                break;
            case Tick.Stall:
                _state.HandleTimeout(SessionTimer.Stall, Room, Now);
                RunEffects();
                break;
            case Tick.DropReport:
                break; // reported after every turn
            case Tick.WillDelay:
                PublishPendingWill();
                break;
            case Tick.Expiry:
                LogExpired(ClientId);
                End();
                break;
            case GetSessionStats:
                Sender?.Tell(Stats(), Self);
                break;
            default:
                if (!ReceiveManagement(message))
                {
                    Unhandled(message);
                }

                break;
        }
    }

    /// <summary>
    /// A session that failed or is stopped by shutdown closes the connection it served. A durable one stays in
    /// the router and in storage: its registry starts it again from storage, and meanwhile what is routed to it
    /// is refused to its publishers instead of being acknowledged as delivered to nobody. Any other leaves the router.
    /// </summary>
    protected override void PostStop()
    {
        if (_ended)
        {
            return;
        }

        _ended = true;
        ReportDrops(final: true);
        FailForwardedCommits();
        _connection?.Close();
        _state.ReleaseHeld();
        RunEffects();
        if (IsDurable)
        {
            SettleOutstandingCommits(committed: false);
        }
        else
        {
            _connection = null;
            _state.End();
            RunEffects();
        }
    }

    private void ReceiveWhenEnded(object message)
    {
        switch (message)
        {
            case Deliver deliver:
                // The session is over: nothing is owed to it.
                deliver.Commit?.Succeed();
                deliver.Admission?.Succeed();
                break;
            case AttachSession attach:
                // Sent before the registry heard that this session ended: it opens the next session.
                Context.Parent?.Tell(attach.Open, attach.ReplyTo);
                break;
            case GetSessionStats:
                Sender?.Tell(Stats(), Self);
                break;
            case GetSessionInfo or KickSession or SubscribeOnBehalf or UnsubscribeOnBehalf:
                Sender?.Tell(new NoSuchSession(ClientId), Self);
                break;
        }
    }

    /// <summary>A rate-limited warning with what this session dropped, per reason; a timer brings the rest once the interval has passed.</summary>
    /// <param name="final">The session is ending: what is left is reported now, interval or not.</param>
    private void ReportDrops(bool final = false)
    {
        if (_state.NextDropReportMs() is not { } dueAt)
        {
            return;
        }

        if (_state.TakeDropReport(Now, final) is { } report)
        {
            LogDropped(ClientId, report, _state.IsConnected);
        }
        else if (!IsTimerActive(DropReportKey))
        {
            StartTimer(DropReportKey, Tick.DropReport, Delay(dueAt));
        }
    }

    private bool IsCurrent(IClientConnection connection) => _connection is { } current && current.Id == connection.Id;

    /// <summary>What the state is told of its connection with each input: what it takes before it stops being writable.</summary>
    private ConnectionRoom Room => _connection?.Room ?? ConnectionRoom.None;

    private void Attach(AttachSession attach)
    {
        var open = attach.Open;

        // A new connection before the will delay passed: that will is not sent [MQTT-3.1.3-9]; nor does the session expire.
        CancelTimer(WillKey);
        CancelTimer(ExpiryKey);
        _pendingWill = null;
        if (_connection is { } old && old.Id != open.Connection.Id)
        {
            // [MQTT-3.1.4-3]: the existing connection is told 0x8E and closed. It ended abnormally, but the
            // session continues at once, so only a will without delay goes out.
            LogTakenOver(ClientId, old.Id, open.Connection.Id);
            old.Close(ReasonCode.SessionTakenOver);
            if (_will is { } will && WillDelaySeconds(will) == 0)
            {
                PublishWill(will);
            }
        }

        _will = open.Request.Will;
        _lastConnect = open.Request;
        _connectedAtMs = Now;
        _expirySeconds = open.Request.SessionExpirySeconds;
        _detachedAtMs = null;
        if (_expirySeconds > 0)
        {
            BecomeDurable();
        }

        RecordLifecycle(new SessionAttached(_expirySeconds, _will));
        open.Connection.Send(open.ConnAck with { SessionPresent = attach.SessionPresent });
        _connection = Gated(open.Connection);
        _state.Attach(open.Connection.Id, ClientCapabilities.From(open.Request), open.Connection.InboundCredit, open.Connection.Room, Now);
        RunEffects();
        attach.ReplyTo?.Tell(new SessionOpened(Self, attach.SessionPresent), Self);

        // The connection gave up waiting for this session (and will not say it is gone): it ended abnormally.
        if (open.Connection.IsClosed)
        {
            Disconnected(new ClientDisconnected(_connection, DisconnectKind.Abnormal));
        }
    }

    private void Disconnected(ClientDisconnected disconnected)
    {
        if (disconnected.SessionExpirySeconds is { } expiry)
        {
            _expirySeconds = expiry;
        }

        _connection = null;
        _state.Detach(Now);
        RunEffects();
        var will = _will;
        _will = null;
        if (disconnected.Kind != DisconnectKind.Normal && will is not null)
        {
            ScheduleWill(will);
        }

        if (_expirySeconds == 0)
        {
            End();
            return;
        }

        _detachedAtMs = Now;
        RecordLifecycle(new SessionDetached(_detachedAtMs.Value, _expirySeconds, _pendingWill));
        if (_expirySeconds != uint.MaxValue)
        {
            StartTimer(ExpiryKey, Tick.Expiry, TimeSpan.FromSeconds(_expirySeconds));
        }
    }

    /// <summary>
    /// The will goes out after its delay, or when the session ends, whichever comes first (3.1.3.2.2):
    /// at once without a delay or when the session does not outlive the connection.
    /// </summary>
    /// <param name="elapsedMs">Time already passed since the connection ended (a restart in between).</param>
    private void ScheduleWill(WillMessage will, long elapsedMs = 0)
    {
        var delayMs = WillDelaySeconds(will) * 1000L;
        if (delayMs <= elapsedMs || _expirySeconds == 0)
        {
            PublishWill(will);
            return;
        }

        _pendingWill = will;
        if (_expirySeconds == uint.MaxValue || delayMs < _expirySeconds * 1000L)
        {
            StartTimer(WillKey, Tick.WillDelay, TimeSpan.FromMilliseconds(delayMs - elapsedMs));
        }
    }

    /// <summary>Another connection asked for a clean start: this session ends, its connection's will going out as on an abnormal close.</summary>
    private void EndByCleanStart()
    {
        if (_connection is { } connection)
        {
            LogTakenOver(ClientId, connection.Id, 0);
            connection.Close(ReasonCode.SessionTakenOver);
            if (_will is { } will)
            {
                PublishWill(will);
            }

            _will = null;
        }

        End();
    }

    /// <summary>The session is over: a waiting will goes out, subscriptions leave the router, the registry stops this actor.</summary>
    private void End()
    {
        _ended = true;
        ReportDrops(final: true);
        if (_timersStarted)
        {
            Context.Timers.CancelAll();
        }

        PublishPendingWill();
        ForgetStoredSession();
        _connection = null;
        _state.End();
        RunEffects();
        Context.Parent?.Tell(new SessionEnded(ClientId), Self);
    }

    private void PublishPendingWill()
    {
        if (_pendingWill is { } will)
        {
            _pendingWill = null;
            PublishWill(will);
            if (_detachedAtMs is { } at)
            {
                RecordLifecycle(new SessionDetached(at, _expirySeconds, null));
            }
        }
    }

    private void PublishWill(WillMessage will)
    {
        var properties = will.Properties;
        _router.Publish(new ApplicationMessage
        {
            Id = MessageIds.Next(),
            Topic = will.Topic,
            Payload = will.Payload,
            QoS = will.QoS,
            Retain = will.Retain,

            // Only what a PUBLISH forwards (3.3.2.3): not the Will Delay Interval.
            Properties = new MqttProperties
            {
                PayloadFormatIndicator = properties.PayloadFormatIndicator,
                MessageExpiryInterval = properties.MessageExpiryInterval,
                ContentType = properties.ContentType,
                ResponseTopic = properties.ResponseTopic,
                CorrelationData = properties.CorrelationData,
                UserProperties = properties.UserProperties,
            },
            PublisherId = ClientId,
            ReceivedAtMs = Now,
        });
        LogWillPublished(ClientId, will.Topic);
    }

    private static uint WillDelaySeconds(WillMessage will) => will.Properties.WillDelayInterval ?? 0;

    // The actor's timer scheduler is made on first use: an idle session that never needs a timer never
    // pays for it.
    private void StartTimer(object key, Tick tick, TimeSpan delay)
    {
        _timersStarted = true;
        Context.Timers.StartSingleTimer(key, tick, delay);
    }

    private void CancelTimer(object key)
    {
        if (_timersStarted)
        {
            Context.Timers.Cancel(key);
        }
    }

    private bool IsTimerActive(object key) => _timersStarted && Context.Timers.IsTimerActive(key);

    private TimeSpan Delay(long atMs) => TimeSpan.FromMilliseconds(Math.Max(0, atMs - Now));

    private SessionStats Stats() => new(
        ClientId,
        _state.IsConnected,
        _state.Subscriptions.Count,
        _state.InflightCount,
        _state.QueueLength,
        _state.AwaitingRelCount,
        _state.DroppedMessages);

    [LoggerMessage(Level = LogLevel.Information, Message = "Session {ClientId} taken over: connection {OldConnection} closed for connection {NewConnection}")]
    private partial void LogTakenOver(string clientId, long oldConnection, long newConnection);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Messages dropped for client {ClientId} (connected: {Connected}): {Drops}")]
    private partial void LogDropped(string clientId, string drops, bool connected);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Session {ClientId} expired")]
    private partial void LogExpired(string clientId);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Session {ClientId} published its will to {Topic}")]
    private partial void LogWillPublished(string clientId, string topic);

    /// <summary>The session's own timer messages.</summary>
    private enum Tick
    {
        Retry,
        AwaitRel,
        Stall,
        DropReport,
        WillDelay,
        Expiry,
        MoveGrace,
        TransferBound,
    }
}
