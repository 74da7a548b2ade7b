using Broker.Actors;
using Broker.Transport.Messaging;
using Broker.Transport.Routing;
using Microsoft.Extensions.Logging;

namespace Broker.Transport.Sessions;

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
/// </summary>
public sealed class SessionRegistry : ActorBase
{
    private readonly IRouter _router;
    private readonly MqttSettings _settings;
    private readonly BrokerMetrics _metrics;
    private readonly ILogger _sessionLogger;
    private readonly Dictionary<string, Entry> _byClientId = new(StringComparer.Ordinal);
    private readonly Dictionary<IActorRef, string> _byRef = [];

    public SessionRegistry(IRouter router, MqttSettings settings, BrokerMetrics metrics, ILoggerFactory loggerFactory)
    {
        _router = router;
        _settings = settings;
        _metrics = metrics;
        _sessionLogger = loggerFactory.CreateLogger<SessionActor>();
    }

    /// <summary>A failed session is stopped, not restarted: a fresh instance would have lost the session's state.</summary>
    public override SupervisorStrategy SupervisorStrategy => SupervisorStrategy.StoppingStrategy;

    public static Props Props(IRouter router, MqttSettings settings, BrokerMetrics metrics, ILoggerFactory loggerFactory)
    {
        ArgumentNullException.ThrowIfNull(router);
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(metrics);
        ArgumentNullException.ThrowIfNull(loggerFactory);
        return Broker.Actors.Props.Create(() => new SessionRegistry(router, settings, metrics, loggerFactory));
    }

    /// <summary>
    /// A message told to a session that had stopped never reaches it: the registry returns its inbound
    /// credit, or the publisher's connection would wait for it for good.
    /// </summary>
    protected override void PreStart() => Context.System.EventStream.Subscribe(Self, typeof(DeadLetter));

    protected override void Receive(object message)
    {
        switch (message)
        {
            case DeadLetter dead:
                SessionActor.ReturnCredit(dead.Message);
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
            default:
                Unhandled(message);
                break;
        }
    }

    private void Open(OpenSession open, IActorRef? replyTo)
    {
        var clientId = open.Request.ClientId;
        if (!_byClientId.TryGetValue(clientId, out var entry))
        {
            Create(clientId).Tell(new AttachSession(open, SessionPresent: false, replyTo), Self);
            return;
        }

        if (entry.Stopping)
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

    private IActorRef Create(string clientId)
    {
        var session = Context.Spawn(SessionActor.Props(clientId, _router, _settings, _metrics, _sessionLogger), ActorName.Escape(clientId));
        Context.Watch(session);
        _byClientId[clientId] = new Entry(session);
        _byRef[session] = clientId;
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
        entry.Session.Tell(PoisonPill.Instance);
    }

    /// <summary>The session is gone: its requests waiting meanwhile are handled in the order they came.</summary>
    private void SessionStopped(IActorRef session)
    {
        if (!_byRef.Remove(session, out var clientId) || !_byClientId.Remove(clientId, out var entry))
        {
            return;
        }

        while (entry.Waiting.TryDequeue(out var waiting))
        {
            Open(waiting.Open, waiting.ReplyTo);
        }
    }

    private sealed class Entry(IActorRef session)
    {
        public IActorRef Session { get; } = session;

        public bool Stopping { get; set; }

        public Queue<(OpenSession Open, IActorRef? ReplyTo)> Waiting { get; } = new();
    }
}
