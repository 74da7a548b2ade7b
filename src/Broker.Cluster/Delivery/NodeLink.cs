using System.Collections.Concurrent;
using Akka.Actor;

namespace Broker.Cluster.Delivery;

/// <summary>
/// The way to one other node: publishers queue here from any thread without blocking, and the node's
/// <see cref="NodeSender"/> drains the queue into batches. One queue and one sender per node keep the order in which
/// each publisher queued its messages. A drain is asked for only when none is pending, so a busy link costs one
/// mailbox message per batch, not per message.
/// </summary>
internal sealed class NodeLink
{
    private int _drainAsked;
    private volatile bool _stopped;

    public NodeLink(ActorSystem system, string node, NodeSenderSettings settings)
    {
        Node = node;
        Sender = system.ActorOf(Props.Create(() => new NodeSender(this, settings)));
    }

    public string Node { get; }

    public ConcurrentQueue<PendingForward> Queue { get; } = new();

    public IActorRef Sender { get; }

    public void Enqueue(PendingForward pending)
    {
        Queue.Enqueue(pending);
        if (_stopped)
        {
            // The sender may have emptied the queue for the last time already: what came after is given up here
            // (each message is dequeued once, by whoever gets it first).
            while (Queue.TryDequeue(out var late))
            {
                late.GiveUp();
            }

            return;
        }

        if (Interlocked.Exchange(ref _drainAsked, 1) == 0)
        {
            Sender.Tell(NodeSender.Drain.Instance);
        }
    }

    /// <summary>The sender is draining: a message queued from now on asks for the next drain.</summary>
    public void DrainStarted() => Volatile.Write(ref _drainAsked, 0);

    /// <summary>The node was removed: its sender gives back what is queued and in flight, and stops.</summary>
    public void Stop()
    {
        _stopped = true;
        Sender.Tell(PoisonPill.Instance);
    }
}
