using System.Text;
using Broker.Core.Persistence;
using Broker.Core.Retained;

namespace Broker.Cluster.Retained;

/// <summary>
/// A <see cref="RetainedChange"/> between nodes, compact and checked on read:
/// <code>
/// flags      1 byte   bit 0: a message follows (a set); clear: a deletion. Other bits 0.
/// timestamp  8 bytes  little endian, the version's Unix ms
/// node       string   the version's node
/// topic      string
/// message    the stored message format (ApplicationMessageFormat, self-delimiting), only for a set
/// string = 7-bit encoded byte count + UTF-8 (BinaryWriter's)
/// </code>
/// </summary>
internal static class RetainedChangeFormat
{
    private const byte MessageFlag = 1;

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    public static byte[] Serialize(RetainedChange change)
    {
        using var stream = new MemoryStream();
        using (var writer = new BinaryWriter(stream, StrictUtf8, leaveOpen: true))
        {
            Write(writer, change);
        }

        return stream.ToArray();
    }

    public static void Write(BinaryWriter writer, RetainedChange change)
    {
        writer.Write(change.Message is null ? (byte)0 : MessageFlag);
        writer.Write(change.Version.TimestampMs);
        writer.Write(change.Version.Node);
        writer.Write(change.Topic);
        if (change.Message is { } message)
        {
            ApplicationMessageFormat.Write(writer, message);
        }
    }

    /// <exception cref="InvalidDataException">Truncated or garbled.</exception>
    public static RetainedChange Deserialize(byte[] bytes)
    {
        using var reader = new BinaryReader(new MemoryStream(bytes, writable: false), StrictUtf8);
        var change = Read(reader);
        if (reader.BaseStream.Position != bytes.Length)
        {
            throw new InvalidDataException("Bytes follow the retained change.");
        }

        return change;
    }

    /// <summary>The changes written one after another into <paramref name="bytes"/> (a snapshot chunk).</summary>
    /// <exception cref="InvalidDataException">Truncated or garbled.</exception>
    public static List<RetainedChange> ReadAll(byte[] bytes)
    {
        var changes = new List<RetainedChange>();
        using var reader = new BinaryReader(new MemoryStream(bytes, writable: false), StrictUtf8);
        while (reader.BaseStream.Position < bytes.Length)
        {
            changes.Add(Read(reader));
        }

        return changes;
    }

    private static RetainedChange Read(BinaryReader reader)
    {
        try
        {
            var flags = reader.ReadByte();
            if ((flags & ~MessageFlag) != 0)
            {
                throw new InvalidDataException($"Unknown retained change flags {flags}.");
            }

            var version = new RetainedVersion(reader.ReadInt64(), reader.ReadString());
            var topic = reader.ReadString();
            var message = (flags & MessageFlag) != 0 ? ApplicationMessageFormat.Read(reader) : null;
            return new RetainedChange(topic, message, version);
        }
        catch (Exception e) when (e is EndOfStreamException or DecoderFallbackException or FormatException)
        {
            throw new InvalidDataException("The retained change is truncated or garbled.", e);
        }
    }
}
