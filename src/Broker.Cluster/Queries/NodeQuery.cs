namespace Broker.Cluster.Queries;

/// <summary>
/// A question every node answers about itself (its clients, its stats): a kind the host registered a handler for on every
/// node, and a body only that handler reads (the host's JSON). Plain data, so that the host never sees Akka.
/// </summary>
/// <param name="Kind">Which handler answers, e.g. "clients.page"; a node that knows no such kind answers with a failure.</param>
public sealed record NodeQuery(string Kind, byte[] Body);

/// <summary>
/// One node's answer to a <see cref="NodeQuery"/>: its body, or why there is none (<see cref="Failure"/>: it did not answer
/// within the timeout, its handler failed, or it knows no such kind).
/// </summary>
public sealed record NodeAnswer(string Node, byte[]? Body, string? Failure)
{
    public bool Answered => Failure is null;
}

/// <summary>What the host registers on each node (<see cref="ClusterQueries.Answer"/>): the answer to a query about this node.</summary>
public delegate Task<byte[]> NodeQueryHandler(NodeQuery query, CancellationToken cancellationToken);
