using System.Buffers;
using System.Buffers.Binary;

namespace Broker.Host.Bench;

/// <summary>
/// The first 20 bytes of every payload the bench publishes, little-endian:
/// <code>
///   0   publisher index   int32   0-based within the publishing role
///   4   sequence number   int64   0, 1, 2 ... per publisher
///   12  send timestamp    int64   nanoseconds since the Unix epoch (<see cref="BenchClock"/>)
/// </code>
/// The rest, up to --size, is padding. A wall-clock origin lets a <c>bench sub</c> in another process on the
/// same machine measure latency against a <c>bench pub</c>.
/// </summary>
public readonly record struct PayloadHeader(int Publisher, long Sequence, long TimestampNs)
{
    public const int Size = 20;

    public void Write(Span<byte> destination)
    {
        BinaryPrimitives.WriteInt32LittleEndian(destination, Publisher);
        BinaryPrimitives.WriteInt64LittleEndian(destination[4..], Sequence);
        BinaryPrimitives.WriteInt64LittleEndian(destination[12..], TimestampNs);
    }

    public static bool TryRead(ReadOnlySpan<byte> source, out PayloadHeader header)
    {
        if (source.Length < Size)
        {
            header = default;
            return false;
        }
        header = new PayloadHeader(
            BinaryPrimitives.ReadInt32LittleEndian(source),
            BinaryPrimitives.ReadInt64LittleEndian(source[4..]),
            BinaryPrimitives.ReadInt64LittleEndian(source[12..]));
        return true;
    }

    /// <summary>A payload may span pipe segments; the header is copied out only then.</summary>
    public static bool TryRead(in ReadOnlySequence<byte> payload, out PayloadHeader header)
    {
        var first = payload.FirstSpan;
        if (first.Length >= Size)
            return TryRead(first, out header);
        if (payload.Length < Size)
        {
            header = default;
            return false;
        }
        Span<byte> copy = stackalloc byte[Size];
        payload.Slice(0, Size).CopyTo(copy);
        return TryRead(copy, out header);
    }
}
