using Akka.Actor;
using AkkaCluster = Akka.Cluster.Cluster;

namespace Broker.Cluster.Queries;

/// <summary>
/// Questions asked of every node of the cluster, for the views that cover it all (EMQX's <c>cluster_query</c>: the
/// clients, subscriptions, nodes, stats of <c>/api/v5</c>). Each node registers one handler (<see cref="Answer"/>) that
/// answers about itself; <see cref="AskAllAsync"/> asks every Up member at once, this node by a direct call, the others
/// through their <see cref="QueryActor"/> over Akka.Remote, each within its own timeout. A node that does not answer in
/// time, or whose handler fails, comes back as a <see cref="NodeAnswer"/> with a failure: the caller decides what a
/// missing node means for its view, and never waits past the timeout.
/// <para>
/// Answers travel in chunks of <see cref="ClusterSettings.QueryChunkBytes"/>, so no message nears the remoting frame;
/// still, a handler should page what it returns (the whole answer is held in memory on both nodes).
/// </para>
/// </summary>
public sealed class ClusterQueries
{
    private readonly ActorSystem _system;
    private readonly IActorRef _actor;
    private readonly int _maxQuestionBytes;
    private volatile NodeQueryHandler? _handler;

    internal ClusterQueries(ActorSystem system, IActorRef actor, string nodeName, long maximumFrameSize)
    {
        _system = system;
        _actor = actor;
        NodeName = nodeName;
        _maxQuestionBytes = (int)Math.Min(int.MaxValue, maximumFrameSize / 2);
    }

    public string NodeName { get; }

    /// <summary>
    /// The members a view asks, by node name in ordinal order (so that pages across nodes keep their order): those Up
    /// (or WeaklyUp), unreachable ones included (they are asked, and time out), and this node in any case.
    /// </summary>
    public IReadOnlyList<string> UpMembers()
    {
        var members = AkkaCluster.Get(_system).State.Members
            .Where(m => m.Status is Akka.Cluster.MemberStatus.Up or Akka.Cluster.MemberStatus.WeaklyUp)
            .Select(m => m.Address.ToString())
            .Append(NodeName);
        return [.. members.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];
    }

    /// <summary>This node answers queries with <paramref name="handler"/> from now on (until then: a failure "answers no queries yet").</summary>
    public void Answer(NodeQueryHandler handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        _handler = handler;
        _actor.Tell(new QueryActor.SetHandler(handler));
    }

    /// <summary>Every node of <see cref="UpMembers"/>, in that order, each answered or failed within <paramref name="timeout"/>.</summary>
    public async Task<IReadOnlyList<NodeAnswer>> AskAllAsync(NodeQuery query, TimeSpan timeout, CancellationToken cancellationToken = default) =>
        await Task.WhenAll(UpMembers().Select(node => AskAsync(node, query, timeout, cancellationToken))).ConfigureAwait(false);

    /// <summary>One node (by node name): its answer, or a failure after <paramref name="timeout"/>.</summary>
    public async Task<NodeAnswer> AskAsync(string node, NodeQuery query, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(node);
        ArgumentNullException.ThrowIfNull(query);
        if (node == NodeName)
        {
            return await AskSelfAsync(query, timeout, cancellationToken).ConfigureAwait(false);
        }

        // The question goes in one message (only answers are chunked): one past the frame would be dropped by the
        // transport and look like a node that does not answer.
        if (query.Body.Length > _maxQuestionBytes)
        {
            return new NodeAnswer(node, null, $"the question holds {query.Body.Length} bytes, more than the {_maxQuestionBytes} a node is asked at once");
        }

        var completion = new TaskCompletionSource<(byte[]? Body, string? Failure)>(TaskCreationOptions.RunContinuationsAsynchronously);
        _actor.Tell(new QueryActor.Gather(node, query, timeout, completion));
        var (body, failure) = await completion.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        return new NodeAnswer(node, body, failure);
    }

    /// <summary>This node's own answer, without remoting: the handler is called here, bounded by the same timeout.</summary>
    private async Task<NodeAnswer> AskSelfAsync(NodeQuery query, TimeSpan timeout, CancellationToken cancellationToken)
    {
        if (_handler is not { } handler)
        {
            return new NodeAnswer(NodeName, null, "this node answers no queries yet");
        }

        using var bound = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        bound.CancelAfter(timeout);
        try
        {
            return new NodeAnswer(NodeName, await handler(query, bound.Token).WaitAsync(bound.Token).ConfigureAwait(false), null);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new NodeAnswer(NodeName, null, $"no answer within {timeout.TotalSeconds:0.###} s");
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return new NodeAnswer(NodeName, null, e.GetBaseException().Message);
        }
    }
}
