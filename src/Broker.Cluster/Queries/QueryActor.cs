using Akka.Actor;

namespace Broker.Cluster.Queries;

/// <summary>
/// <c>/user/broker-queries</c> on every node, both sides of the cluster queries. Asked by another node
/// (<see cref="QueryRequest"/>), it calls the handler the host registered and sends the answer back in chunks of at most
/// <c>chunkBytes</c>; asked by this node's <see cref="ClusterQueries"/> (<see cref="Gather"/>), it sends the request to
/// the other node's actor, puts the chunks back together and completes the caller's task, or fails it once the timeout
/// has passed, so that a node that never answers is reported rather than waited for.
/// </summary>
internal sealed class QueryActor : ReceiveActor, IWithTimers
{
    public const string Name = "broker-queries";

    /// <summary>A handler still running this long after it was asked is cancelled: whoever asked has given up.</summary>
    private static readonly TimeSpan HandlerBound = TimeSpan.FromSeconds(60);

    private readonly int _chunkBytes;
    private readonly Dictionary<long, Pending> _pending = [];
    private NodeQueryHandler? _handler;
    private long _lastId;

    public ITimerScheduler Timers { get; set; } = null!;

    public QueryActor(int chunkBytes)
    {
        _chunkBytes = chunkBytes;
        Receive<SetHandler>(set => _handler = set.Handler);
        Receive<Gather>(ReceiveGather);
        Receive<QueryRequest>(ReceiveRequest);
        Receive<QueryReplyChunk>(ReceiveChunk);
        Receive<QueryFailed>(failed => Complete(failed.QueryId, null, failed.Reason));
        Receive<TimedOut>(timedOut => Complete(timedOut.QueryId, null, $"no answer within {timedOut.Timeout.TotalSeconds:0.###} s"));
    }

    private void ReceiveGather(Gather gather)
    {
        var id = ++_lastId;
        _pending[id] = new Pending(gather.Completion);
        Context.ActorSelection($"{gather.Node}/user/{Name}").Tell(new QueryRequest(id, gather.Query.Kind, gather.Query.Body), Self);
        Timers.StartSingleTimer(id, new TimedOut(id, gather.Timeout), gather.Timeout);
    }

    private void ReceiveRequest(QueryRequest request)
    {
        var replyTo = Sender;
        var self = Self;
        if (_handler is not { } handler)
        {
            replyTo.Tell(new QueryFailed(request.QueryId, "this node answers no queries yet"), self);
            return;
        }

        var chunkBytes = _chunkBytes;
        var bound = new CancellationTokenSource(HandlerBound);
        Invoke(handler, new NodeQuery(request.Kind, request.Body), bound.Token).ContinueWith(t =>
        {
            bound.Dispose();
            if (!t.IsCompletedSuccessfully)
            {
                replyTo.Tell(new QueryFailed(request.QueryId, t.Exception?.GetBaseException().Message ?? "cancelled"), self);
                return;
            }

            var body = t.Result;
            var count = Math.Max(1, (body.Length + chunkBytes - 1) / chunkBytes);
            for (var i = 0; i < count; i++)
            {
                var start = i * chunkBytes;
                replyTo.Tell(new QueryReplyChunk(request.QueryId, i, count, body[start..Math.Min(body.Length, start + chunkBytes)]), self);
            }
        }, TaskScheduler.Default);
    }

    /// <summary>A handler that throws before its first await fails its task, as one that throws later does.</summary>
    private static async Task<byte[]> Invoke(NodeQueryHandler handler, NodeQuery query, CancellationToken cancellationToken)
    {
        await Task.Yield();
        return await handler(query, cancellationToken).ConfigureAwait(false);
    }

    private void ReceiveChunk(QueryReplyChunk chunk)
    {
        if (!_pending.TryGetValue(chunk.QueryId, out var pending) || chunk.Count < 1 || chunk.Index < 0 || chunk.Index >= chunk.Count)
        {
            return; // answered after its timeout, or garbled
        }

        pending.Chunks ??= new byte[chunk.Count][];
        if (pending.Chunks.Length != chunk.Count)
        {
            Complete(chunk.QueryId, null, "the answer's chunks disagree on their number");
            return;
        }

        // A chunk that came twice counts once: only a new index brings the answer nearer.
        if (pending.Chunks[chunk.Index] is null)
        {
            pending.Chunks[chunk.Index] = chunk.Body;
            pending.Received++;
        }

        if (pending.Received == chunk.Count)
        {
            Complete(chunk.QueryId, Joined(pending.Chunks), null);
        }
    }

    private static byte[] Joined(byte[][] chunks)
    {
        var joined = new byte[chunks.Sum(c => c.Length)];
        var at = 0;
        foreach (var chunk in chunks)
        {
            Buffer.BlockCopy(chunk, 0, joined, at, chunk.Length);
            at += chunk.Length;
        }

        return joined;
    }

    private void Complete(long queryId, byte[]? body, string? failure)
    {
        if (_pending.Remove(queryId, out var pending))
        {
            Timers.Cancel(queryId);
            pending.Completion.TrySetResult((body, failure));
        }
    }

    /// <summary>The node is stopping: whoever waits is answered now.</summary>
    protected override void PostStop()
    {
        foreach (var pending in _pending.Values)
        {
            pending.Completion.TrySetResult((null, "this node's cluster stopped"));
        }

        _pending.Clear();
    }

    public sealed record SetHandler(NodeQueryHandler Handler);

    /// <summary>From <see cref="ClusterQueries"/>: ask <paramref name="Node"/>, complete <paramref name="Completion"/> with its body or failure.</summary>
    public sealed record Gather(string Node, NodeQuery Query, TimeSpan Timeout, TaskCompletionSource<(byte[]? Body, string? Failure)> Completion);

    private sealed record TimedOut(long QueryId, TimeSpan Timeout);

    private sealed class Pending(TaskCompletionSource<(byte[]? Body, string? Failure)> completion)
    {
        public TaskCompletionSource<(byte[]? Body, string? Failure)> Completion { get; } = completion;

        public byte[][]? Chunks { get; set; }

        public int Received { get; set; }
    }
}
