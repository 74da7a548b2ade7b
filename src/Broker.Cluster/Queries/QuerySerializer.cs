using System.Text;
using Akka.Actor;
using Akka.Serialization;

namespace Broker.Cluster.Queries;

/// <summary>
/// Akka's serializer for the cluster queries (bound in <see cref="ClusterHocon"/>): a one-letter manifest and a binary
/// body (the query's id, its kind, and the handler's bytes as they are), rather than Akka's JSON.
/// </summary>
internal sealed class QuerySerializer(ExtendedActorSystem system) : SerializerWithStringManifest(system)
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Unique in the system: 4302 forwarding, 4303 retained replication, 4304 sessions.</summary>
    public override int Identifier => 4305;

    public override string Manifest(object o) => o switch
    {
        QueryRequest => "Q",
        QueryReplyChunk => "C",
        QueryFailed => "F",
        _ => throw new ArgumentException($"{o?.GetType().Name} is not a query message.", nameof(o)),
    };

    public override byte[] ToBinary(object obj)
    {
        using var stream = new MemoryStream();
        using (var writer = new BinaryWriter(stream, StrictUtf8))
        {
            switch (obj)
            {
                case QueryRequest request:
                    writer.Write(request.QueryId);
                    writer.Write(request.Kind);
                    WriteBytes(writer, request.Body);
                    break;
                case QueryReplyChunk chunk:
                    writer.Write(chunk.QueryId);
                    writer.Write(chunk.Index);
                    writer.Write(chunk.Count);
                    WriteBytes(writer, chunk.Body);
                    break;
                case QueryFailed failed:
                    writer.Write(failed.QueryId);
                    writer.Write(failed.Reason);
                    break;
                default:
                    throw new ArgumentException($"{obj?.GetType().Name} is not a query message.", nameof(obj));
            }
        }

        return stream.ToArray();
    }

    public override object FromBinary(byte[] bytes, string manifest)
    {
        try
        {
            using var reader = new BinaryReader(new MemoryStream(bytes, writable: false), StrictUtf8);
            object message = manifest switch
            {
                "Q" => new QueryRequest(reader.ReadInt64(), reader.ReadString(), ReadBytes(reader)),
                "C" => new QueryReplyChunk(reader.ReadInt64(), reader.ReadInt32(), reader.ReadInt32(), ReadBytes(reader)),
                "F" => new QueryFailed(reader.ReadInt64(), reader.ReadString()),
                _ => throw new InvalidDataException($"Unknown query manifest '{manifest}'."),
            };
            if (reader.BaseStream.Position != bytes.Length)
            {
                throw new InvalidDataException($"{bytes.Length - reader.BaseStream.Position} bytes left after a query message.");
            }

            return message;
        }
        catch (Exception e) when (e is EndOfStreamException or DecoderFallbackException or IOException)
        {
            throw new InvalidDataException("A query message is truncated or garbled.", e);
        }
    }

    private static void WriteBytes(BinaryWriter writer, byte[] bytes)
    {
        writer.Write(bytes.Length);
        writer.Write(bytes);
    }

    private static byte[] ReadBytes(BinaryReader reader)
    {
        var length = reader.ReadInt32();
        if (length < 0 || length > reader.BaseStream.Length - reader.BaseStream.Position)
        {
            throw new InvalidDataException($"A query body of {length} bytes is longer than the message.");
        }

        return reader.ReadBytes(length);
    }
}
