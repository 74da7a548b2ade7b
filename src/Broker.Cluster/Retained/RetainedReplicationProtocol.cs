using Broker.Core.Retained;

namespace Broker.Cluster.Retained;

/// <summary>
/// The messages of <see cref="RetainedReplicatorActor"/>. Those marked <see cref="IRetainedWireMessage"/> cross nodes,
/// in <see cref="RetainedReplicationSerializer"/>'s format; the others stay in this node.
/// </summary>
internal static class RetainedReplicationProtocol
{
    /// <summary>Marks what crosses nodes: the serializer is bound to this interface.</summary>
    public interface IRetainedWireMessage;

    /// <summary>From <see cref="ClusterRetainedReplicator.Attach"/>: the retainer, loaded from storage.</summary>
    public sealed record Attach(Retainer Retainer);

    /// <summary>A change made on this node, to send to every other member.</summary>
    public sealed record LocalChange(RetainedChange Change);

    /// <summary>A change another node made, sent to this one.</summary>
    public sealed record Replicated(RetainedChange Change) : IRetainedWireMessage;

    /// <summary>Asks a member for every retained change it knows; answered by a <see cref="SnapshotSender"/>.</summary>
    public sealed record GetSnapshot(long RequestId) : IRetainedWireMessage;

    /// <summary>
    /// Part <see cref="Index"/> of a snapshot: changes in <see cref="RetainedChangeFormat"/>, one after another, well under the
    /// remoting frame. The receiver asks for the next with <see cref="NextChunk"/>, so one transfer has one chunk in flight.
    /// </summary>
    public sealed record SnapshotChunk(long RequestId, int Index, bool IsLast, byte[] Changes) : IRetainedWireMessage;

    public sealed record NextChunk(long RequestId, int Index) : IRetainedWireMessage;

    /// <summary>No chunk of this transfer came for a while: its source is asked no more.</summary>
    public sealed record TransferTimedOut(long RequestId);

    /// <summary>Chooses the member to ask for the snapshot on joining, once the membership events of this moment are in.</summary>
    public sealed class ChooseSource
    {
        public static readonly ChooseSource Instance = new();
    }
}
