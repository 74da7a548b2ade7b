using Akka.Actor;
using Broker.Core.Messaging;
using Microsoft.Extensions.Logging;

namespace Broker.Cluster.Delivery;

/// <summary>
/// The actor other nodes forward messages to (<c>/user/broker-forward</c>): each goes to the local dispatcher's
/// callback, in arrival order. It exists from the cluster's start, but the callback comes later (the dispatcher is
/// built after the cluster), so until then messages wait in a queue here rather than go to dead letters.
/// </summary>
internal sealed class ForwardReceiver : ReceiveActor
{
    public const string Name = "broker-forward";

    private readonly ILogger _logger;
    private readonly Queue<ApplicationMessage> _waiting = new();
    private Action<ApplicationMessage>? _deliver;

    public ForwardReceiver(ILogger logger)
    {
        _logger = logger;
        Receive<ApplicationMessage>(OnMessage);
        Receive<Start>(start =>
        {
            _deliver = start.Deliver;
            while (_waiting.TryDequeue(out var message))
            {
                Deliver(message);
            }
        });
    }

    private void OnMessage(ApplicationMessage message)
    {
        if (_deliver is null)
        {
            _waiting.Enqueue(message);
            return;
        }

        Deliver(message);
    }

    private void Deliver(ApplicationMessage message)
    {
        try
        {
            _deliver!(message);
        }
        catch (Exception e)
        {
            // One message the dispatcher refuses must not restart the actor and lose the callback.
            _logger.LogError(e, "Forwarded message on {Topic} could not be dispatched", message.Topic);
        }
    }

    public sealed record Start(Action<ApplicationMessage> Deliver);
}
