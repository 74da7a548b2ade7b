using Akka.Actor;
using Broker.Core.Sessions.Cluster;
using Microsoft.Extensions.Logging;
using OurActorRef = Broker.Actors.IActorRef;

namespace Broker.Cluster.Sessions;

/// <summary>
/// <c>/user/broker-sessions</c> on every node: where other nodes' session moves (<see cref="SessionPeerMessage"/>) and the
/// owner entities' questions (<see cref="WhoHas"/>) arrive, handed to this node's session registry (an actor of our own
/// runtime). Until the registry is attached, this node holds no session: a question is answered "none", and a move
/// asked of it gets no state.
/// </summary>
internal sealed class SessionPeerBridge : ReceiveActor
{
    public const string Name = "broker-sessions";

    private static readonly TimeSpan AskBound = TimeSpan.FromSeconds(2);

    private OurActorRef? _registry;

    public SessionPeerBridge(string nodeName, ILogger logger)
    {
        Receive<Attach>(attach => _registry = attach.Registry);
        Receive<Detach>(detach =>
        {
            if (ReferenceEquals(_registry, detach.Registry))
            {
                _registry = null;
            }
        });
        Receive<WhoHas>(who =>
        {
            var replyTo = Sender;
            if (_registry is not { } registry)
            {
                replyTo.Tell(new Has(who.ClientId, false, nodeName));
                return;
            }

            // Our runtime's ask: the registry answers its own actor's sender, which is not an Akka actor.
            Broker.Actors.AskExtensions.Ask<SessionHeld>(registry, new HoldsSession(who.ClientId), AskBound).ContinueWith(
                t => replyTo.Tell(new Has(who.ClientId, t.IsCompletedSuccessfully && t.Result.Held, nodeName)),
                TaskScheduler.Default);
        });
        Receive<AdoptStoredSession>(adopt => _registry?.Tell(adopt));
        Receive<SessionPeerMessage>(message =>
        {
            if (_registry is { } registry)
            {
                registry.Tell(message);
            }
            else if (message is TransferRequest request)
            {
                Sender.Tell(new TransferReply(request.ClientId, request.TransferId, null) { From = nodeName });
            }
            else
            {
                logger.LogDebug("Session move message {Message} for {ClientId} arrived before the registry", message.GetType().Name, message.ClientId);
            }
        });
    }

    public sealed record Attach(OurActorRef Registry);

    public sealed record Detach(OurActorRef Registry);
}
