using System.Buffers.Binary;
using System.Text;
using Akka.Actor;
using Akka.Serialization;
using Broker.Core.Persistence;

namespace Broker.Cluster.Delivery;

/// <summary>
/// Akka's serializer for what crosses nodes with messages (<see cref="ForwardBatch"/>, <see cref="BatchAck"/>,
/// <see cref="CommitsDone"/>; bound in <see cref="ClusterHocon"/>): the messages in the broker's own stored format
/// (<see cref="ApplicationMessageFormat"/>, compact and checked on read) instead of Akka's JSON default, which is
/// slow and would need the message type's whole graph to round-trip through Newtonsoft. A batch, measured by its
/// sender as it was filled (<see cref="ForwardBatch.Length"/>), is written into one array of that size, and read back
/// from spans: one allocation a batch on the way out, and none but the messages themselves on the way in.
/// Little-endian throughout:
/// <code>
///   batch   sequence i64, count i32, then per message: commit id i64, group count i32, each group
///           (length i32, UTF-8), the message (ApplicationMessageFormat)
///   ack     sequence i64, then two id lists: count i32, ids i64
///   done    two id lists
/// </code>
/// </summary>
internal sealed class DeliverySerializer(ExtendedActorSystem system) : SerializerWithStringManifest(system)
{
    private const string BatchManifest = "B";
    private const string AckManifest = "A";
    private const string DoneManifest = "D";

    /// <summary>Unique in the system; Akka keeps 0 to 100 for itself.</summary>
    public override int Identifier => 4302;

    public override string Manifest(object o) => o switch
    {
        ForwardBatch => BatchManifest,
        BatchAck => AckManifest,
        CommitsDone => DoneManifest,
        _ => throw Unknown(o),
    };

    public override byte[] ToBinary(object obj) => obj switch
    {
        ForwardBatch batch => WriteBatch(batch),
        BatchAck ack => WriteIds(ack.Sequence, ack.Completed, ack.Failed),
        CommitsDone done => WriteIds(null, done.Completed, done.Failed),
        _ => throw Unknown(obj),
    };

    public override object FromBinary(byte[] bytes, string manifest)
    {
        var reader = new Reader(bytes);
        object result = manifest switch
        {
            BatchManifest => ReadBatch(ref reader),
            AckManifest => new BatchAck(reader.Int64(), reader.Ids(), reader.Ids()),
            DoneManifest => new CommitsDone(reader.Ids(), reader.Ids()),
            _ => throw new ArgumentException($"Unknown manifest '{manifest}' for {nameof(DeliverySerializer)}.", nameof(manifest)),
        };

        return reader.AtEnd ? result : throw new InvalidDataException($"A forwarding message ({manifest}) has bytes after its end.");
    }

    private static byte[] WriteBatch(ForwardBatch batch)
    {
        var bytes = new byte[batch.Length];
        var span = bytes.AsSpan();
        BinaryPrimitives.WriteInt64LittleEndian(span, batch.Sequence);
        BinaryPrimitives.WriteInt32LittleEndian(span[8..], batch.Items.Count);
        var at = ForwardBatch.HeaderLength;
        foreach (var item in batch.Items)
        {
            BinaryPrimitives.WriteInt64LittleEndian(span[at..], item.CommitId);
            var groups = item.Groups ?? [];
            BinaryPrimitives.WriteInt32LittleEndian(span[(at + 8)..], groups.Length);
            at += 12;
            foreach (var group in groups)
            {
                var written = Encoding.UTF8.GetBytes(group, span[(at + 4)..]);
                BinaryPrimitives.WriteInt32LittleEndian(span[at..], written);
                at += 4 + written;
            }

            at += ApplicationMessageFormat.Serialize(item.Message, span[at..]);
        }

        return at == bytes.Length
            ? bytes
            : throw new InvalidOperationException($"A forwarded batch measured {bytes.Length} bytes but wrote {at}.");
    }

    private static ForwardBatch ReadBatch(ref Reader reader)
    {
        var sequence = reader.Int64();
        var count = reader.Count(minimumBytesEach: 13);
        var items = new List<ForwardItem>(count);
        for (var i = 0; i < count; i++)
        {
            var commitId = reader.Int64();
            var groupCount = reader.Count(minimumBytesEach: 4);
            string[]? groups = groupCount == 0 ? null : new string[groupCount];
            for (var g = 0; g < groupCount; g++)
            {
                groups![g] = reader.String();
            }

            items.Add(new ForwardItem(reader.Message(), groups, commitId));
        }

        return new ForwardBatch(sequence, items, reader.Length);
    }

    private static byte[] WriteIds(long? sequence, long[] completed, long[] failed)
    {
        var head = sequence is null ? 0 : 8;
        var bytes = new byte[head + 8 + 8 * (completed.Length + failed.Length)];
        var span = bytes.AsSpan();
        if (sequence is { } value)
        {
            BinaryPrimitives.WriteInt64LittleEndian(span, value);
        }

        var at = head;
        foreach (var ids in new[] { completed, failed })
        {
            BinaryPrimitives.WriteInt32LittleEndian(span[at..], ids.Length);
            at += 4;
            foreach (var id in ids)
            {
                BinaryPrimitives.WriteInt64LittleEndian(span[at..], id);
                at += 8;
            }
        }

        return bytes;
    }

    private static ArgumentException Unknown(object? o) =>
        new($"{nameof(DeliverySerializer)} cannot serialize {o?.GetType().FullName ?? "null"}.", nameof(o));

    /// <summary>Reads the layout above, refusing (InvalidDataException) counts and lengths the bytes cannot hold.</summary>
    private ref struct Reader(ReadOnlySpan<byte> bytes)
    {
        private readonly ReadOnlySpan<byte> _bytes = bytes;
        private int _at;

        public readonly bool AtEnd => _at == _bytes.Length;

        public readonly int Length => _bytes.Length;

        private readonly int Remaining => _bytes.Length - _at;

        public long Int64() => BinaryPrimitives.ReadInt64LittleEndian(Take(8));

        /// <summary>A count of things each at least <paramref name="minimumBytesEach"/> long: a garbled one cannot make us allocate.</summary>
        public int Count(int minimumBytesEach)
        {
            var count = BinaryPrimitives.ReadInt32LittleEndian(Take(4));
            return count >= 0 && count <= Remaining / minimumBytesEach
                ? count
                : throw new InvalidDataException($"A forwarding message says it holds {count} entries in {Remaining} bytes.");
        }

        public string String() => Encoding.UTF8.GetString(Take(Count(minimumBytesEach: 1)));

        public long[] Ids()
        {
            var ids = new long[Count(minimumBytesEach: 8)];
            for (var i = 0; i < ids.Length; i++)
            {
                ids[i] = Int64();
            }

            return ids;
        }

        public Core.Messaging.ApplicationMessage Message()
        {
            var message = ApplicationMessageFormat.Read(_bytes[_at..], out var consumed);
            _at += consumed;
            return message;
        }

        private ReadOnlySpan<byte> Take(int count)
        {
            if (count > Remaining)
            {
                throw new InvalidDataException($"A forwarding message is truncated: {count} bytes needed, {Remaining} remain.");
            }

            var slice = _bytes.Slice(_at, count);
            _at += count;
            return slice;
        }
    }
}
