namespace Broker.Cluster.Queries;

// Messages of the cluster queries between nodes' QueryActors. Immutable; serialized by QuerySerializer.

internal interface IQueryWireMessage
{
    long QueryId { get; }
}

/// <summary>Asks the receiving node's handler; answered with the <see cref="QueryReplyChunk"/>s of its body, or <see cref="QueryFailed"/>.</summary>
internal sealed record QueryRequest(long QueryId, string Kind, byte[] Body) : IQueryWireMessage;

/// <summary>
/// Part <paramref name="Index"/> of <paramref name="Count"/> of an answer: an answer larger than a chunk travels in several,
/// so that no message nears the remoting frame whatever the handler returns.
/// </summary>
internal sealed record QueryReplyChunk(long QueryId, int Index, int Count, byte[] Body) : IQueryWireMessage;

/// <summary>The handler threw, or the node has none for the kind.</summary>
internal sealed record QueryFailed(long QueryId, string Reason) : IQueryWireMessage;
