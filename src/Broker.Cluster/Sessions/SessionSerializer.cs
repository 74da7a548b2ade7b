using System.Text;
using Akka.Actor;
using Akka.Serialization;
using Broker.Core.Sessions.Cluster;

namespace Broker.Cluster.Sessions;

/// <summary>
/// Akka's serializer for the session ownership and move messages between nodes (bound in <see cref="ClusterHocon"/>): a
/// one-letter manifest and a binary body of strings, flags and byte arrays (a moved session's state and forwarded
/// messages are already in the journal's format), rather than Akka's JSON.
/// </summary>
internal sealed class SessionSerializer(ExtendedActorSystem system) : SerializerWithStringManifest(system)
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Unique in the system; 4302 is the forwarding's (DeliverySerializer), 4303 the retained replication's.</summary>
    public override int Identifier => 4304;

    public override string Manifest(object o) => o switch
    {
        ClaimOwner => "C",
        ReleaseOwner => "L",
        ReclaimOwner => "K",
        AdoptOwner => "A",
        OwnerGranted => "G",
        WhoHas => "W",
        AdoptStoredSession => "T",
        Has => "H",
        TransferRequest => "Q",
        TransferReply => "R",
        TransferPending => "P",
        TransferResumed => "S",
        TransferDone => "D",
        TransferStored => "O",
        _ => throw new ArgumentException($"{o?.GetType().Name} is not a session message.", nameof(o)),
    };

    public override byte[] ToBinary(object obj)
    {
        using var stream = new MemoryStream();
        using (var writer = new BinaryWriter(stream, StrictUtf8))
        {
            Write(writer, obj);
        }

        return stream.ToArray();
    }

    public override object FromBinary(byte[] bytes, string manifest)
    {
        try
        {
            using var reader = new BinaryReader(new MemoryStream(bytes, writable: false), StrictUtf8);
            var message = Read(reader, manifest);
            if (reader.BaseStream.Position != bytes.Length)
            {
                throw new InvalidDataException($"{bytes.Length - reader.BaseStream.Position} bytes left after a session message.");
            }

            return message;
        }
        catch (Exception e) when (e is EndOfStreamException or DecoderFallbackException or IOException)
        {
            throw new InvalidDataException("A session message is truncated or garbled.", e);
        }
    }

    private static void Write(BinaryWriter writer, object message)
    {
        switch (message)
        {
            case ClaimOwner claim:
                writer.Write(claim.ClientId);
                writer.Write(claim.Node);
                break;
            case ReleaseOwner release:
                writer.Write(release.ClientId);
                writer.Write(release.Node);
                break;
            case ReclaimOwner reclaim:
                writer.Write(reclaim.ClientId);
                writer.Write(reclaim.Node);
                break;
            case OwnerGranted granted:
                writer.Write(granted.ClientId);
                WriteOptional(writer, granted.PreviousNode);
                writer.Write(granted.MayBeStored);
                break;
            case AdoptOwner adopt:
                writer.Write(adopt.ClientId);
                writer.Write(adopt.PersistenceId);
                break;
            case WhoHas who:
                writer.Write(who.ClientId);
                break;
            case AdoptStoredSession adopt:
                writer.Write(adopt.ClientId);
                writer.Write(adopt.PersistenceId);
                break;
            case Has has:
                writer.Write(has.ClientId);
                writer.Write(has.Held);
                writer.Write(has.Node);
                break;
            case SessionPeerMessage peer:
                writer.Write(peer.ClientId);
                writer.Write(peer.TransferId);
                writer.Write(peer.From);
                WritePeerBody(writer, peer);
                break;
            default:
                throw new ArgumentException($"{message.GetType().Name} is not a session message.", nameof(message));
        }
    }

    private static void WritePeerBody(BinaryWriter writer, SessionPeerMessage peer)
    {
        switch (peer)
        {
            case TransferRequest request:
                writer.Write(request.CleanStart);
                break;
            case TransferReply reply:
                writer.Write(reply.Snapshot is not null);
                if (reply.Snapshot is { } snapshot)
                {
                    WriteBytes(writer, snapshot);
                }

                break;
            case TransferPending pending:
                WriteBytes(writer, pending.Delivery);
                writer.Write(pending.Seq);
                break;
            case TransferStored stored:
                writer.Write(stored.Seq);
                writer.Write(stored.Failed);
                break;
            case TransferResumed resumed:
                writer.Write7BitEncodedInt(resumed.Filters.Count);
                foreach (var filter in resumed.Filters)
                {
                    writer.Write(filter);
                }

                break;
        }
    }

    private static object Read(BinaryReader reader, string manifest)
    {
        switch (manifest)
        {
            case "C":
                return new ClaimOwner(reader.ReadString(), reader.ReadString());
            case "L":
                return new ReleaseOwner(reader.ReadString(), reader.ReadString());
            case "K":
                return new ReclaimOwner(reader.ReadString(), reader.ReadString());
            case "G":
                return new OwnerGranted(reader.ReadString(), ReadOptional(reader), reader.ReadBoolean());
            case "A":
                return new AdoptOwner(reader.ReadString(), reader.ReadString());
            case "W":
                return new WhoHas(reader.ReadString());
            case "T":
                return new AdoptStoredSession(reader.ReadString(), reader.ReadString());
            case "H":
                return new Has(reader.ReadString(), reader.ReadBoolean(), reader.ReadString());
        }

        var clientId = reader.ReadString();
        var transferId = reader.ReadInt64();
        var from = reader.ReadString();
        SessionPeerMessage message = manifest switch
        {
            "Q" => new TransferRequest(clientId, transferId, reader.ReadBoolean()),
            "R" => new TransferReply(clientId, transferId, reader.ReadBoolean() ? ReadBytes(reader) : null),
            "P" => new TransferPending(clientId, transferId, ReadBytes(reader), reader.ReadInt64()),
            "O" => new TransferStored(clientId, transferId, reader.ReadInt64(), reader.ReadBoolean()),
            "S" => new TransferResumed(clientId, transferId, ReadFilters(reader)),
            "D" => new TransferDone(clientId, transferId),
            _ => throw new InvalidDataException($"Unknown session message manifest '{manifest}'."),
        };
        return message with { From = from };
    }

    private static List<string> ReadFilters(BinaryReader reader)
    {
        var count = reader.Read7BitEncodedInt();
        if (count < 0 || count > reader.BaseStream.Length - reader.BaseStream.Position)
        {
            throw new InvalidDataException($"A session message says it holds {count} filters.");
        }

        var filters = new List<string>(count);
        for (var i = 0; i < count; i++)
        {
            filters.Add(reader.ReadString());
        }

        return filters;
    }

    private static void WriteOptional(BinaryWriter writer, string? value)
    {
        writer.Write(value is not null);
        if (value is not null)
        {
            writer.Write(value);
        }
    }

    private static string? ReadOptional(BinaryReader reader) => reader.ReadBoolean() ? reader.ReadString() : null;

    private static void WriteBytes(BinaryWriter writer, byte[] bytes)
    {
        writer.Write7BitEncodedInt(bytes.Length);
        writer.Write(bytes);
    }

    private static byte[] ReadBytes(BinaryReader reader)
    {
        var length = reader.Read7BitEncodedInt();
        if (length < 0 || length > reader.BaseStream.Length - reader.BaseStream.Position)
        {
            throw new InvalidDataException($"A session message says it holds {length} bytes.");
        }

        return reader.ReadBytes(length);
    }
}
