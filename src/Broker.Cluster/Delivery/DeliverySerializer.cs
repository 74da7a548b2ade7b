using System.Text;
using Akka.Actor;
using Akka.Serialization;
using Broker.Core.Persistence;

namespace Broker.Cluster.Delivery;

/// <summary>
/// Akka's serializer for what crosses nodes with messages (<see cref="ForwardBatch"/>, <see cref="BatchAck"/>,
/// <see cref="CommitsDone"/>; bound in <see cref="ClusterHocon"/>): the messages in the broker's own stored format
/// (<see cref="ApplicationMessageFormat"/>, compact and checked on read) instead of Akka's JSON default, which is
/// slow and would need the message type's whole graph to round-trip through Newtonsoft.
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

    public override byte[] ToBinary(object obj)
    {
        using var stream = new MemoryStream();
        using (var writer = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true))
        {
            switch (obj)
            {
                case ForwardBatch batch:
                    WriteBatch(writer, batch);
                    break;
                case BatchAck ack:
                    writer.Write(ack.Sequence);
                    WriteIds(writer, ack.Completed);
                    WriteIds(writer, ack.Failed);
                    break;
                case CommitsDone done:
                    WriteIds(writer, done.Completed);
                    WriteIds(writer, done.Failed);
                    break;
                default:
                    throw Unknown(obj);
            }
        }

        return stream.ToArray();
    }

    public override object FromBinary(byte[] bytes, string manifest)
    {
        using var reader = new BinaryReader(new MemoryStream(bytes, writable: false), Encoding.UTF8);
        return manifest switch
        {
            BatchManifest => ReadBatch(reader),
            AckManifest => new BatchAck(reader.ReadInt64(), ReadIds(reader), ReadIds(reader)),
            DoneManifest => new CommitsDone(ReadIds(reader), ReadIds(reader)),
            _ => throw new ArgumentException($"Unknown manifest '{manifest}' for {nameof(DeliverySerializer)}.", nameof(manifest)),
        };
    }

    private static void WriteBatch(BinaryWriter writer, ForwardBatch batch)
    {
        writer.Write(batch.Sequence);
        writer.Write(batch.Items.Count);
        foreach (var item in batch.Items)
        {
            writer.Write(item.CommitId);
            var groups = item.Groups ?? [];
            writer.Write7BitEncodedInt(groups.Length);
            foreach (var group in groups)
            {
                writer.Write(group);
            }

            ApplicationMessageFormat.Write(writer, item.Message);
        }
    }

    private static ForwardBatch ReadBatch(BinaryReader reader)
    {
        var sequence = reader.ReadInt64();
        var count = reader.ReadInt32();
        if (count < 0 || count > Remaining(reader))
        {
            throw new InvalidDataException($"A forwarded batch says it holds {count} messages.");
        }

        var items = new List<ForwardItem>(count);
        for (var i = 0; i < count; i++)
        {
            var commitId = reader.ReadInt64();
            var groupCount = reader.Read7BitEncodedInt();
            if (groupCount < 0 || groupCount > Remaining(reader))
            {
                throw new InvalidDataException($"A forwarded message says it names {groupCount} shared groups.");
            }

            var groups = groupCount == 0 ? null : new string[groupCount];

            for (var g = 0; g < groupCount; g++)
            {
                groups![g] = reader.ReadString();
            }

            items.Add(new ForwardItem(ApplicationMessageFormat.Read(reader), groups, commitId));
        }

        return new ForwardBatch(sequence, items);
    }

    private static void WriteIds(BinaryWriter writer, long[] ids)
    {
        writer.Write(ids.Length);
        foreach (var id in ids)
        {
            writer.Write(id);
        }
    }

    private static long[] ReadIds(BinaryReader reader)
    {
        var count = reader.ReadInt32();
        if (count < 0 || count > Remaining(reader) / sizeof(long))
        {
            throw new InvalidDataException($"An acknowledgement says it holds {count} ids.");
        }

        var ids = new long[count];
        for (var i = 0; i < count; i++)
        {
            ids[i] = reader.ReadInt64();
        }

        return ids;
    }

    private static long Remaining(BinaryReader reader) => reader.BaseStream.Length - reader.BaseStream.Position;

    private static ArgumentException Unknown(object? o) =>
        new($"{nameof(DeliverySerializer)} cannot serialize {o?.GetType().FullName ?? "null"}.", nameof(o));
}
