using System.Buffers.Binary;
using Akka.Actor;
using Akka.Serialization;
using static Broker.Cluster.Retained.RetainedReplicationProtocol;

namespace Broker.Cluster.Retained;

/// <summary>
/// Akka's serializer for the retained replication's messages between nodes (bound in <see cref="ClusterHocon"/> to
/// <see cref="IRetainedWireMessage"/>): a one-letter manifest and a binary body, the change itself in
/// <see cref="RetainedChangeFormat"/>, rather than Akka's JSON.
/// </summary>
internal sealed class RetainedReplicationSerializer(ExtendedActorSystem system) : SerializerWithStringManifest(system)
{
    private const string ReplicatedManifest = "R";
    private const string GetSnapshotManifest = "G";
    private const string ChunkManifest = "C";
    private const string NextChunkManifest = "N";

    /// <summary>Unique in the system; Akka keeps 0 to 100 for itself, 4302 is the forwarding's (DeliverySerializer).</summary>
    public override int Identifier => 4303;

    public override string Manifest(object o) => o switch
    {
        Replicated => ReplicatedManifest,
        GetSnapshot => GetSnapshotManifest,
        SnapshotChunk => ChunkManifest,
        NextChunk => NextChunkManifest,
        _ => throw Unknown(o),
    };

    public override byte[] ToBinary(object obj) => obj switch
    {
        Replicated replicated => RetainedChangeFormat.Serialize(replicated.Change),
        GetSnapshot get => Long(get.RequestId),
        SnapshotChunk chunk => Chunk(chunk),
        NextChunk next => Next(next),
        _ => throw Unknown(obj),
    };

    public override object FromBinary(byte[] bytes, string manifest) => manifest switch
    {
        ReplicatedManifest => new Replicated(RetainedChangeFormat.Deserialize(bytes)),
        GetSnapshotManifest => new GetSnapshot(BinaryPrimitives.ReadInt64LittleEndian(Exactly(bytes, 8))),
        ChunkManifest => ReadChunk(bytes),
        NextChunkManifest => new NextChunk(
            BinaryPrimitives.ReadInt64LittleEndian(Exactly(bytes, 12)), BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(8))),
        _ => throw new ArgumentException($"Unknown retained replication manifest '{manifest}'.", nameof(manifest)),
    };

    private static byte[] Long(long value)
    {
        var bytes = new byte[8];
        BinaryPrimitives.WriteInt64LittleEndian(bytes, value);
        return bytes;
    }

    private static byte[] Next(NextChunk next)
    {
        var bytes = new byte[12];
        BinaryPrimitives.WriteInt64LittleEndian(bytes, next.RequestId);
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(8), next.Index);
        return bytes;
    }

    // request id 8 bytes, index 4, last 1, then the changes as they are.
    private static byte[] Chunk(SnapshotChunk chunk)
    {
        var bytes = new byte[13 + chunk.Changes.Length];
        BinaryPrimitives.WriteInt64LittleEndian(bytes, chunk.RequestId);
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(8), chunk.Index);
        bytes[12] = chunk.IsLast ? (byte)1 : (byte)0;
        chunk.Changes.CopyTo(bytes.AsSpan(13));
        return bytes;
    }

    private static SnapshotChunk ReadChunk(byte[] bytes)
    {
        if (bytes.Length < 13 || bytes[12] > 1)
        {
            throw new InvalidDataException("The snapshot chunk's header is garbled.");
        }

        return new SnapshotChunk(
            BinaryPrimitives.ReadInt64LittleEndian(bytes),
            BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(8)),
            bytes[12] == 1,
            bytes[13..]);
    }

    private static byte[] Exactly(byte[] bytes, int length) =>
        bytes.Length == length ? bytes : throw new InvalidDataException($"Expected {length} bytes, got {bytes.Length}.");

    private ArgumentException Unknown(object? o) =>
        new($"{GetType().Name} cannot serialize {o?.GetType().FullName ?? "null"}.", nameof(o));
}
