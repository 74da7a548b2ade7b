using System.Diagnostics.CodeAnalysis;
using Broker.Actors;
using Broker.Actors.Persistence;
using Broker.Core.Messaging;
using Broker.Core.Routing;
using Microsoft.Extensions.Logging;

namespace Broker.Core.Sessions;

/// <summary>
/// <c>/user/sessions</c>: one live session per client id (EMQX's emqx_cm), each a child named with
/// <see cref="ActorName.Escape"/>. <see cref="OpenSession"/> creates a session (Session Present 0),
/// resumes or takes over the existing one (Session Present 1, the old connection closed with 0x8E), or,
/// with Clean Start, ends the existing one and creates a new one once it has stopped.
/// <para>
/// Races: a session ends either because it is told to (Clean Start) or by itself (expiry), and then
/// reports <see cref="SessionEnded"/>; the registry marks it stopping, stops it with a
/// <see cref="PoisonPill"/> (after anything already sent to it, which it bounces back here), and keeps
/// every <see cref="OpenSession"/> for that client id until its <see cref="Terminated"/>. So a new
/// session never meets the old one in the router, and a request is never lost to a dying actor.
/// </para>
/// <para>
/// Storage (SessionRegistry.Storage.cs): at start, <see cref="RecoverSessions"/> starts every session kept in
/// storage. A durable session (<see cref="SessionBecameDurable"/>) that stops without having ended (storage failed
/// under it, or a bug) is started again from storage after a back-off, as a supervisor restarts a child, while its
/// client id's requests wait.
/// </para>
/// </summary>
public sealed partial class SessionRegistry : ActorBase
{
    private readonly IRouter _router;
    private readonly MqttSettings _settings;
    private readonly BrokerMetrics _metrics;
    private readonly SessionStorage _storage;
    private readonly SessionEnvironment _sessionEnvironment;
    private readonly ILogger _logger;
    private readonly Dictionary<string, Entry> _byClientId = new(StringComparer.Ordinal);

    public SessionRegistry(IRouter router, MqttSettings settings, BrokerMetrics metrics, ILoggerFactory loggerFactory, SessionStorage storage)
    {
        _router = router;
        _settings = settings;
        _metrics = metrics;
        _storage = storage;
        _sessionEnvironment = new SessionEnvironment(router, settings, metrics, loggerFactory.CreateLogger<SessionActor>(), storage);
        _logger = loggerFactory.CreateLogger<SessionRegistry>();
    }

    /// <summary>A failed session is stopped, not restarted in place: a durable one is started again from storage (see the class comment).</summary>
    public override SupervisorStrategy SupervisorStrategy => SupervisorStrategy.StoppingStrategy;

    public static Props Props(IRouter router, MqttSettings settings, BrokerMetrics metrics, ILoggerFactory loggerFactory, SessionStorage? storage = null)
    {
        ArgumentNullException.ThrowIfNull(router);
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(metrics);
        ArgumentNullException.ThrowIfNull(loggerFactory);
        return Broker.Actors.Props.Create(() => new SessionRegistry(router, settings, metrics, loggerFactory, storage ?? SessionStorage.None));
    }

    /// <summary>
    /// A message told to a session that had stopped never reaches it: the registry returns its inbound
    /// credit, or the publisher's connection would wait for it for good, and fails its commit, or its
    /// publisher would be acknowledged for a message no storage holds.
    /// </summary>
    protected override void PreStart() => Context.System.EventStream.Subscribe(Self, typeof(DeadLetter));

    protected override void Receive(object message)
    {
        switch (message)
        {
            case DeadLetter { Message: AttachSession attach } dead:
                Reopen(attach, dead.Recipient);
                break;
            case DeadLetter dead:
                SessionActor.ReturnCredit(dead.Message);
                (dead.Message as Deliver)?.Commit?.Fail();
                (dead.Message as Deliver)?.Admission?.Succeed(); // a stopped subscriber has no queue to wait for
                break;
            case OpenSession open:
                Open(open, Sender);
                break;
            case SessionEnded ended:
                SessionHasEnded(ended.ClientId, Sender);
                break;
            case Terminated terminated:
                SessionStopped(terminated.Actor);
                break;
            case ToSession to:
                ForwardToSession(to, Sender);
                break;
            case ListSessions:
                Sender?.Tell(new SessionList([.. _byClientId.Where(e => e.Value.IsServing).Select(e => e.Key)]), Self);
                break;
            default:
                if (!ReceiveStorage(message) && !ReceiveCluster(message) && !ReceiveAdoption(message))
                {
                    Unhandled(message);
                }

                break;
        }
    }

    /// <summary>In a cluster the client id is claimed first (SessionRegistry.Cluster.cs); then, or on one node, <see cref="OpenHere"/>.</summary>
    private void Open(OpenSession open, IActorRef? replyTo)
    {
        if (_peers is { } peers)
        {
            Claim(open, replyTo, peers);
        }
        else
        {
            OpenHere(open, replyTo);
        }
    }

    /// <summary>The management API's message to a live session, its asker kept as the sender; none here: <see cref="NoSuchSession"/>.</summary>
    private void ForwardToSession(ToSession to, IActorRef? asker)
    {
        if (_byClientId.TryGetValue(to.ClientId, out var entry) && entry.IsServing)
        {
            entry.Session.Tell(to.Message, asker);
        }
        else
        {
            asker?.Tell(new NoSuchSession(to.ClientId), Self);
        }
    }

    private void OpenHere(OpenSession open, IActorRef? replyTo)
    {
        var clientId = open.Request.ClientId;
        AdoptNowIfOffered(clientId);
        if (!_byClientId.TryGetValue(clientId, out var entry))
        {
            Create(clientId, persistenceId: null, recover: false)
                .Tell(new AttachSession(open, SessionPresent: false, replyTo), Self);
            return;
        }

        if (!entry.IsServing)
        {
            entry.Waiting.Enqueue((open, replyTo));
            return;
        }

        if (open.Request.CleanStart)
        {
            entry.Session.Tell(EndSession.Instance, Self);
            Stop(entry);
            entry.Waiting.Enqueue((open, replyTo));
            return;
        }

        entry.Session.Tell(new AttachSession(open, SessionPresent: true, replyTo), Self);
    }

    /// <summary>
    /// A connection handed to a session that stopped before taking it (its storage failed with the request in its
    /// mailbox, or while it was being read back) must not be left without an answer: it waits, as requests do
    /// while a session is started again, or goes to whichever session now serves the client id.
    /// </summary>
    private void Reopen(AttachSession attach, IActorRef stopped)
    {
        var clientId = attach.Open.Request.ClientId;
        if (_byClientId.TryGetValue(clientId, out var entry) && (entry.Session is null || entry.Stopping || Equals(entry.Session, stopped)))
        {
            entry.Waiting.Enqueue((attach.Open, attach.ReplyTo));
            return;
        }

        Open(attach.Open, attach.ReplyTo);
    }

    private IActorRef Create(string clientId, string? persistenceId, bool recover, SessionTransferIn? transfer = null)
    {
        // The rows of a node that is gone (SessionRegistry.Adoption.cs) are read, then stored again under this node's id.
        var adopt = recover && persistenceId is not null && _storage.Shared
            && SessionStorage.TryParsePersistenceId(persistenceId, out _, out _, out var owner) && owner != _storage.Owner;
        var props = SessionActor.Props(_sessionEnvironment, clientId, persistenceId, recover, transfer, adopt);
        var session = Context.Spawn(props, ActorName.Escape(clientId));
        Context.Watch(session);
        if (_byClientId.TryGetValue(clientId, out var entry))
        {
            entry.Session = session;
        }
        else
        {
            _byClientId[clientId] = entry = new Entry(session, persistenceId);
            _metrics.SessionsChanged(_byClientId.Count);
        }

        return session;
    }

    private void SessionHasEnded(string clientId, IActorRef? session)
    {
        if (_byClientId.TryGetValue(clientId, out var entry) && Equals(entry.Session, session) && !entry.Stopping)
        {
            Stop(entry);
        }
    }

    private static void Stop(Entry entry)
    {
        entry.Stopping = true;
        entry.Session?.Tell(PoisonPill.Instance);
    }

    /// <summary>
    /// The session is gone. Ended (or unreadable): its requests waiting meanwhile are handled in the order they
    /// came. Stopped without ending while storage is on: it is started again from storage, after a back-off.
    /// </summary>
    private void SessionStopped(IActorRef session)
    {
        // The session's name is its client id, escaped: no map from session to client id (memory per idle connection).
        var clientId = ActorName.Unescape(session.Path.Name);
        if (!_byClientId.TryGetValue(clientId, out var entry) || !ReferenceEquals(entry.Session, session))
        {
            return;
        }

        RecoveryDone(entry, recovered: false);
        if (!entry.Stopping && entry.PersistenceId is not null)
        {
            ScheduleRestart(clientId, entry);
            return;
        }

        _byClientId.Remove(clientId);
        _metrics.SessionsChanged(_byClientId.Count);
        AfterStopped(clientId, entry, released: entry.Stopping);
        while (entry.Waiting.TryDequeue(out var waiting))
        {
            Open(waiting.Open, waiting.ReplyTo);
        }
    }

    private sealed class Entry(IActorRef session, string? persistenceId)
    {
        /// <summary>Null while a durable session waits to be started again.</summary>
        public IActorRef? Session { get; set; } = session;

        /// <summary>Set once the session is kept in storage: only such a session is started again after a failure.</summary>
        public string? PersistenceId { get; set; } = persistenceId;

        public bool Stopping { get; set; }

        /// <summary>Started from storage and not yet reported back: counted by the start-up recovery.</summary>
        public bool Recovering { get; set; }

        public int Restarts { get; set; }

        public Queue<(OpenSession Open, IActorRef? ReplyTo)> Waiting { get; } = new();

        /// <summary>The session runs here and takes requests: not being started again, moved away or stopped.</summary>
        [MemberNotNullWhen(true, nameof(Session))]
        public bool IsServing => Session is not null && MovedTo is null && !Stopping;

        /// <summary>Adopted from a node that is gone and still being read back (SessionRegistry.Adoption.cs).</summary>
        public bool Adopting { get; set; }

        /// <summary>The node this session is being moved to; it ends once there (SessionRegistry.Cluster.cs).</summary>
        public string? MovedTo { get; set; }

        /// <summary>Moves asked of this node while the session could not be handed over; asked again once it stops or is back.</summary>
        public List<Cluster.TransferRequest> Deferred { get; } = [];
    }
}
