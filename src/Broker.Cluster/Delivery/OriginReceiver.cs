using Akka.Actor;
using Broker.Core.Messaging;
using Broker.Core.Routing;
using Microsoft.Extensions.Logging;

namespace Broker.Cluster.Delivery;

/// <summary>
/// Dispatches the batches of one sending node to this node's sessions (<see cref="Dispatcher.DispatchForwarded"/>),
/// in their order, and answers each with a <see cref="BatchAck"/>. A message the sender's publisher waits for gets a
/// commit of this node, which this node's participants join by the local rules (a durable subscriber under sync
/// durability stores it, a full subscriber makes room); commits that complete later are sent back together, in a
/// <see cref="CommitsDone"/> per turn of this actor's mailbox.
/// </summary>
internal sealed class OriginReceiver : ReceiveActor
{
    private readonly Dispatcher _dispatcher;
    private readonly bool _commitsWaitForStorage;
    private readonly ILogger _logger;
    private readonly Dictionary<IActorRef, (List<long> Completed, List<long> Failed)> _done = [];
    private bool _flushAsked;

    public OriginReceiver(Dispatcher dispatcher, bool commitsWaitForStorage, ILogger logger)
    {
        _dispatcher = dispatcher;
        _commitsWaitForStorage = commitsWaitForStorage;
        _logger = logger;
        Receive<ForwardBatch>(OnBatch);
        Receive<CommitLeft>(OnCommitLeft);
        Receive<Flush>(_ => OnFlush());
    }

    private void OnBatch(ForwardBatch batch)
    {
        var sender = Sender;
        var self = Self;
        List<long>? completed = null;
        List<long>? failed = null;
        foreach (var item in batch.Items)
        {
            var commit = item.CommitId == 0
                ? null
                : new PublishCommit(c => self.Tell(new CommitLeft(sender, item.CommitId, c.Failed)), _commitsWaitForStorage);
            try
            {
                _dispatcher.DispatchForwarded(item.Message, item.Groups, commit);
            }
            catch (Exception e)
            {
                // One message the dispatcher refuses must not lose the rest of the batch, nor its answer.
                _logger.LogError(e, "Forwarded message on {Topic} could not be dispatched", item.Message.Topic);
                commit?.Join();
                commit?.Fail();
            }

            if (commit is not null && commit.Seal())
            {
                (commit.Failed ? failed ??= [] : completed ??= []).Add(item.CommitId);
            }
        }

        sender.Tell(new BatchAck(batch.Sequence, completed?.ToArray() ?? [], failed?.ToArray() ?? []), self);
    }

    private void OnCommitLeft(CommitLeft left)
    {
        if (!_done.TryGetValue(left.Origin, out var done))
        {
            done = ([], []);
            _done[left.Origin] = done;
        }

        (left.Failed ? done.Failed : done.Completed).Add(left.CommitId);
        if (!_flushAsked)
        {
            // Behind every completion already in the mailbox: they all go in one answer.
            _flushAsked = true;
            Self.Tell(Flush.Instance);
        }
    }

    private void OnFlush()
    {
        _flushAsked = false;
        foreach (var (origin, done) in _done)
        {
            origin.Tell(new CommitsDone([.. done.Completed], [.. done.Failed]), Self);
        }

        _done.Clear();
    }

    private sealed record CommitLeft(IActorRef Origin, long CommitId, bool Failed);

    private sealed class Flush
    {
        public static readonly Flush Instance = new();
    }
}
