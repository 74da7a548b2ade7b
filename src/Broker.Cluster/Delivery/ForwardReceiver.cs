using Akka.Actor;
using Broker.Core.Routing;
using Microsoft.Extensions.Logging;

namespace Broker.Cluster.Delivery;

/// <summary>
/// The actor other nodes forward batches to (<c>/user/broker-forward</c>). It hands each batch to one
/// <see cref="OriginReceiver"/> per sending node, so that nodes are served side by side while each one's batches
/// keep their order. It exists from the cluster's start, but the dispatcher comes later (it is built after the
/// cluster), so until then batches wait here rather than go to dead letters.
/// </summary>
internal sealed class ForwardReceiver : ReceiveActor
{
    public const string Name = "broker-forward";

    private readonly ILogger _logger;
    private readonly Queue<(ForwardBatch Batch, IActorRef Sender)> _waiting = new();
    private readonly Dictionary<Address, IActorRef> _origins = [];
    private Start? _start;

    public ForwardReceiver(ILogger logger)
    {
        _logger = logger;
        Receive<ForwardBatch>(batch =>
        {
            if (_start is null)
            {
                _waiting.Enqueue((batch, Sender));
                return;
            }

            Origin(Sender.Path.Address).Tell(batch, Sender);
        });
        Receive<Start>(start =>
        {
            _start = start;
            while (_waiting.TryDequeue(out var waiting))
            {
                Origin(waiting.Sender.Path.Address).Tell(waiting.Batch, waiting.Sender);
            }
        });
        Receive<Forget>(forget =>
        {
            if (_origins.Remove(Address.Parse(forget.Node), out var origin))
            {
                Context.Stop(origin);
            }
        });
    }

    private IActorRef Origin(Address node)
    {
        if (!_origins.TryGetValue(node, out var origin))
        {
            var start = _start!;
            origin = Context.ActorOf(Props.Create(() => new OriginReceiver(start.Dispatcher, start.CommitsWaitForStorage, _logger)));
            _origins[node] = origin;
        }

        return origin;
    }

    /// <param name="CommitsWaitForStorage">Under sync durability here: this node's durable subscribers store a message before it is accepted.</param>
    public sealed record Start(Dispatcher Dispatcher, bool CommitsWaitForStorage);

    /// <summary>A sending node was removed: its receiver goes (a node that comes back gets a new one).</summary>
    public sealed record Forget(string Node);
}
