using System.Buffers.Binary;
using System.Text;
using Broker.Core.Messaging;
using Broker.Mqtt;
using Broker.Mqtt.Properties;

namespace Broker.Core.Persistence;

/// <summary>
/// The stored form of an <see cref="ApplicationMessage"/>: retained rows, session journal events and the batches one node forwards to another
/// hold messages in it, so it must read back what any earlier broker wrote, and a corrupt row must be
/// reported, never crash the process or make it allocate what the row claims.
/// <code>
/// version   1 byte   1; any other value is refused
/// length    varint   bytes of the body that follows
/// body:
///   flags   1 byte   bits 0-1 QoS (3 refused), bit 2 retain, bit 3 publisher id, bit 4 payload format,
///                    bit 5 message expiry, bit 6 content type, bit 7 response topic
///   flags2  1 byte   bit 0 correlation data, bit 1 user properties, bit 2 message id; the other bits must be 0
///   received-at  8 bytes little endian, Unix ms
///   message id   8 bytes little endian, only when its flag is set (written for every id but 0; rows from
///                before ids existed have no flag and read back with id 0)
///   topic   string
///   then, each only when its flag is set, in this order: publisher id string, payload format 1 byte,
///   expiry 4 bytes little endian, content type string, response topic string, correlation data bytes,
///   user properties (varint count, then name and value strings)
///   payload bytes, last, filling the rest of the body
/// string = varint byte count + UTF-8;  bytes = varint count + bytes;  varint = unsigned LEB128, at most 5 bytes
/// </code>
/// The length prefix lets <see cref="Read"/> take exactly one message off a stream that holds more, and
/// every length inside is checked against what remains of the body before anything is allocated.
/// Only the properties an <see cref="ApplicationMessage"/> forwards are kept (3.3.2.3): a topic alias or
/// subscription identifier belongs to one connection and is never stored.
/// </summary>
public static class ApplicationMessageFormat
{
    public const byte CurrentVersion = 1;

    private const int QoSMask = 0b11;
    private const int RetainFlag = 1 << 2;
    private const int PublisherIdFlag = 1 << 3;
    private const int PayloadFormatFlag = 1 << 4;
    private const int ExpiryFlag = 1 << 5;
    private const int ContentTypeFlag = 1 << 6;
    private const int ResponseTopicFlag = 1 << 7;
    private const int CorrelationDataFlag = 1 << 0;
    private const int UserPropertiesFlag = 1 << 1;
    private const int MessageIdFlag = 1 << 2;
    private const int KnownFlags2 = CorrelationDataFlag | UserPropertiesFlag | MessageIdFlag;
    private const int PropertyFlags2 = CorrelationDataFlag | UserPropertiesFlag;

    // Read from a stream that cannot say how much remains, the body is read in pieces of this size, so a
    // garbled length costs at most what the stream really holds.
    private const int StreamChunk = 64 * 1024;

    // Invalid UTF-8 in a stored string means the row is corrupt: refuse it instead of substituting U+FFFD.
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    public static byte[] Serialize(ApplicationMessage message)
    {
        var bytes = new byte[SerializedLength(message)];
        Serialize(message, bytes);
        return bytes;
    }

    /// <summary>How many bytes <see cref="Serialize(ApplicationMessage, Span{byte})"/> writes: to lay several messages out in one buffer.</summary>
    public static int SerializedLength(ApplicationMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        var bodyLength = BodyLength(message);
        return 1 + VarintLength((uint)bodyLength) + bodyLength;
    }

    /// <summary>Writes what <see cref="Serialize(ApplicationMessage)"/> returns into <paramref name="destination"/>; returns the bytes written.</summary>
    public static int Serialize(ApplicationMessage message, Span<byte> destination)
    {
        ArgumentNullException.ThrowIfNull(message);
        var bodyLength = BodyLength(message);
        var cursor = new SpanWriter(destination);
        cursor.Byte(CurrentVersion);
        cursor.Varint((uint)bodyLength);
        WriteBody(ref cursor, message);
        return 1 + VarintLength((uint)bodyLength) + bodyLength;
    }

    /// <summary>Reads one message from the start of <paramref name="bytes"/>, which may go on past it; <paramref name="consumed"/> says where it ended.</summary>
    /// <exception cref="InvalidDataException">Unknown version, truncated or garbled input.</exception>
    public static ApplicationMessage Read(ReadOnlySpan<byte> bytes, out int consumed)
    {
        var cursor = new SpanReader(bytes);
        CheckVersion(cursor.Byte());
        var bodyLength = cursor.Length();
        var headerLength = cursor.Position;
        if (bodyLength > bytes.Length - headerLength)
        {
            throw new InvalidDataException($"Stored message says its body is {bodyLength} bytes but {bytes.Length - headerLength} remain.");
        }

        consumed = headerLength + bodyLength;
        return ReadBody(bytes.Slice(headerLength, bodyLength));
    }

    public static void Write(BinaryWriter writer, ApplicationMessage message)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.Write(Serialize(message));
    }

    /// <exception cref="InvalidDataException">Unknown version, trailing bytes, truncated or garbled input.</exception>
    public static ApplicationMessage Deserialize(ReadOnlySpan<byte> bytes)
    {
        var cursor = new SpanReader(bytes);
        CheckVersion(cursor.Byte());
        var bodyLength = cursor.Length();
        var headerLength = cursor.Position;
        if (bodyLength != bytes.Length - headerLength)
        {
            throw new InvalidDataException(
                $"Stored message says its body is {bodyLength} bytes but {bytes.Length - headerLength} follow.");
        }

        return ReadBody(bytes[headerLength..]);
    }

    /// <summary>Reads one message written by <see cref="Write"/>, leaving the stream just after it.</summary>
    /// <exception cref="InvalidDataException">Unknown version, truncated or garbled input.</exception>
    public static ApplicationMessage Read(BinaryReader reader)
    {
        ArgumentNullException.ThrowIfNull(reader);
        try
        {
            CheckVersion(reader.ReadByte());
            var bodyLength = ReadStreamLength(reader);
            return ReadBody(ReadExactly(reader, bodyLength));
        }
        catch (EndOfStreamException e)
        {
            throw new InvalidDataException("Stored message is truncated.", e);
        }
    }

    private static void CheckVersion(byte version)
    {
        if (version != CurrentVersion)
        {
            throw new InvalidDataException($"Stored message has format version {version}; this broker reads version {CurrentVersion}.");
        }
    }

    /// <summary>
    /// The body's length from a stream: its varint's bytes are gathered (the last one has no continuation bit, and
    /// there are at most 5), then read by <see cref="SpanReader.Length"/>, the one varint reader of this format.
    /// </summary>
    private static int ReadStreamLength(BinaryReader reader)
    {
        Span<byte> varint = stackalloc byte[5];
        var count = 0;
        do
        {
            varint[count] = reader.ReadByte();
        }
        while ((varint[count++] & 0x80) != 0 && count < varint.Length);

        var cursor = new SpanReader(varint[..count]);
        return cursor.Length();
    }

    private static byte[] ReadExactly(BinaryReader reader, int count)
    {
        var stream = reader.BaseStream;
        if (stream.CanSeek)
        {
            var remaining = stream.Length - stream.Position;
            if (count > remaining)
            {
                throw new InvalidDataException($"Stored message claims a body of {count} bytes but {remaining} remain.");
            }

            var exact = reader.ReadBytes(count);
            return exact.Length == count ? exact : throw new EndOfStreamException();
        }

        // A stream of unknown length: grow with what really arrives rather than trusting the count.
        using var body = new MemoryStream(Math.Min(count, StreamChunk));
        while (body.Length < count)
        {
            var piece = reader.ReadBytes((int)Math.Min(StreamChunk, count - body.Length));
            if (piece.Length == 0)
            {
                throw new EndOfStreamException();
            }

            body.Write(piece);
        }

        return body.ToArray();
    }

    private static ApplicationMessage ReadBody(ReadOnlySpan<byte> body)
    {
        var cursor = new SpanReader(body);
        var flags = cursor.Byte();
        var flags2 = cursor.Byte();
        if ((flags & QoSMask) == QoSMask || (flags2 & ~KnownFlags2) != 0)
        {
            throw new InvalidDataException($"Stored message has invalid flags 0x{flags:X2} 0x{flags2:X2}.");
        }

        var receivedAtMs = cursor.Int64();
        var id = (flags2 & MessageIdFlag) != 0 ? cursor.Int64() : 0;
        var topic = cursor.String();
        var publisherId = (flags & PublisherIdFlag) != 0 ? cursor.String() : null;
        var properties = ReadProperties(ref cursor, flags, flags2);
        var payload = cursor.Bytes();
        if (!cursor.AtEnd)
        {
            throw new InvalidDataException("Stored message has bytes after its payload.");
        }

        return new ApplicationMessage
        {
            Id = id,
            Topic = topic,
            Payload = payload,
            QoS = (QualityOfService)(flags & QoSMask),
            Retain = (flags & RetainFlag) != 0,
            Properties = properties,
            PublisherId = publisherId,
            ReceivedAtMs = receivedAtMs,
        };
    }

    private static MqttProperties ReadProperties(ref SpanReader cursor, byte flags, byte flags2)
    {
        if ((flags & (PayloadFormatFlag | ExpiryFlag | ContentTypeFlag | ResponseTopicFlag)) == 0 && (flags2 & PropertyFlags2) == 0)
        {
            return MqttProperties.Empty;
        }

        PayloadFormatIndicator? payloadFormat = null;
        if ((flags & PayloadFormatFlag) != 0)
        {
            var value = cursor.Byte();
            payloadFormat = value <= (byte)PayloadFormatIndicator.Utf8
                ? (PayloadFormatIndicator)value
                : throw new InvalidDataException($"Stored message has payload format indicator {value}.");
        }

        uint? expiry = (flags & ExpiryFlag) != 0 ? cursor.UInt32() : null;
        var contentType = (flags & ContentTypeFlag) != 0 ? cursor.String() : null;
        var responseTopic = (flags & ResponseTopicFlag) != 0 ? cursor.String() : null;
        ReadOnlyMemory<byte>? correlationData = (flags2 & CorrelationDataFlag) != 0 ? cursor.Bytes() : null;
        IReadOnlyList<UserProperty> userProperties = (flags2 & UserPropertiesFlag) != 0 ? ReadUserProperties(ref cursor) : [];
        return new MqttProperties
        {
            PayloadFormatIndicator = payloadFormat,
            MessageExpiryInterval = expiry,
            ContentType = contentType,
            ResponseTopic = responseTopic,
            CorrelationData = correlationData,
            UserProperties = userProperties,
        };
    }

    private static UserProperty[] ReadUserProperties(ref SpanReader cursor)
    {
        var count = cursor.Length();

        // Each pair takes at least two bytes (two empty strings): a count beyond that is garbage.
        if (count > cursor.Remaining / 2)
        {
            throw new InvalidDataException($"Stored message claims {count} user properties in {cursor.Remaining} bytes.");
        }

        var pairs = new UserProperty[count];
        for (var i = 0; i < count; i++)
        {
            pairs[i] = new UserProperty(cursor.String(), cursor.String());
        }

        return pairs;
    }

    private static int BodyLength(ApplicationMessage message)
    {
        var p = message.Properties;
        long length = 2 + 8 + (message.Id == 0 ? 0 : 8) + StringLength(message.Topic);
        length += message.PublisherId is { } publisher ? StringLength(publisher) : 0;
        length += p.PayloadFormatIndicator is null ? 0 : 1;
        length += p.MessageExpiryInterval is null ? 0 : 4;
        length += p.ContentType is { } contentType ? StringLength(contentType) : 0;
        length += p.ResponseTopic is { } responseTopic ? StringLength(responseTopic) : 0;
        length += p.CorrelationData is { } correlation ? BytesLength(correlation.Length) : 0;
        if (p.UserProperties.Count > 0)
        {
            length += VarintLength((uint)p.UserProperties.Count);
            foreach (var pair in p.UserProperties)
            {
                length += StringLength(pair.Name) + StringLength(pair.Value);
            }
        }

        length += BytesLength(message.Payload.Length);
        return length <= int.MaxValue ? (int)length : throw new ArgumentException("Message too large to store.", nameof(message));
    }

    private static void WriteBody(ref SpanWriter cursor, ApplicationMessage message)
    {
        var p = message.Properties;
        var flags = (int)message.QoS & QoSMask;
        flags |= message.Retain ? RetainFlag : 0;
        flags |= message.PublisherId is null ? 0 : PublisherIdFlag;
        flags |= p.PayloadFormatIndicator is null ? 0 : PayloadFormatFlag;
        flags |= p.MessageExpiryInterval is null ? 0 : ExpiryFlag;
        flags |= p.ContentType is null ? 0 : ContentTypeFlag;
        flags |= p.ResponseTopic is null ? 0 : ResponseTopicFlag;
        var flags2 = p.CorrelationData is null ? 0 : CorrelationDataFlag;
        flags2 |= p.UserProperties.Count == 0 ? 0 : UserPropertiesFlag;
        flags2 |= message.Id == 0 ? 0 : MessageIdFlag;

        cursor.Byte((byte)flags);
        cursor.Byte((byte)flags2);
        cursor.Int64(message.ReceivedAtMs);
        if (message.Id != 0)
        {
            cursor.Int64(message.Id);
        }

        cursor.String(message.Topic);
        if (message.PublisherId is { } publisherId)
        {
            cursor.String(publisherId);
        }

        WriteProperties(ref cursor, p);
        cursor.Bytes(message.Payload.Span);
    }

    private static void WriteProperties(ref SpanWriter cursor, MqttProperties p)
    {
        if (p.PayloadFormatIndicator is { } format)
        {
            cursor.Byte((byte)format);
        }

        if (p.MessageExpiryInterval is { } expiry)
        {
            cursor.UInt32(expiry);
        }

        if (p.ContentType is { } contentType)
        {
            cursor.String(contentType);
        }

        if (p.ResponseTopic is { } responseTopic)
        {
            cursor.String(responseTopic);
        }

        if (p.CorrelationData is { } correlation)
        {
            cursor.Bytes(correlation.Span);
        }

        if (p.UserProperties.Count > 0)
        {
            cursor.Varint((uint)p.UserProperties.Count);
            foreach (var pair in p.UserProperties)
            {
                cursor.String(pair.Name);
                cursor.String(pair.Value);
            }
        }
    }

    private static long StringLength(string value) => BytesLength(StrictUtf8.GetByteCount(value));

    private static long BytesLength(int count) => VarintLength((uint)count) + count;

    private static int VarintLength(uint value) => value switch
    {
        < 1u << 7 => 1,
        < 1u << 14 => 2,
        < 1u << 21 => 3,
        < 1u << 28 => 4,
        _ => 5,
    };

    private ref struct SpanWriter(Span<byte> buffer)
    {
        private readonly Span<byte> _buffer = buffer;
        private int _position;

        public void Byte(byte value) => _buffer[_position++] = value;

        public void Int64(long value)
        {
            BinaryPrimitives.WriteInt64LittleEndian(_buffer[_position..], value);
            _position += 8;
        }

        public void UInt32(uint value)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(_buffer[_position..], value);
            _position += 4;
        }

        public void Varint(uint value)
        {
            while (value >= 0x80)
            {
                _buffer[_position++] = (byte)(value | 0x80);
                value >>= 7;
            }

            _buffer[_position++] = (byte)value;
        }

        public void String(string value)
        {
            var count = StrictUtf8.GetByteCount(value);
            Varint((uint)count);
            _position += StrictUtf8.GetBytes(value, _buffer.Slice(_position, count));
        }

        public void Bytes(ReadOnlySpan<byte> value)
        {
            Varint((uint)value.Length);
            value.CopyTo(_buffer[_position..]);
            _position += value.Length;
        }
    }

    /// <summary>Reads the body; every read checks what remains and throws <see cref="InvalidDataException"/>.</summary>
    private ref struct SpanReader(ReadOnlySpan<byte> buffer)
    {
        private readonly ReadOnlySpan<byte> _buffer = buffer;

        public int Position { get; private set; }

        public readonly int Remaining => _buffer.Length - Position;

        public readonly bool AtEnd => Position == _buffer.Length;

        public byte Byte() => Take(1)[0];

        public long Int64() => BinaryPrimitives.ReadInt64LittleEndian(Take(8));

        public uint UInt32() => BinaryPrimitives.ReadUInt32LittleEndian(Take(4));

        /// <summary>A count of bytes or items: a varint that fits in an int.</summary>
        public int Length()
        {
            uint value = 0;
            for (var shift = 0; shift < 35; shift += 7)
            {
                var b = Byte();
                if (shift == 28 && b > 0x07)
                {
                    throw new InvalidDataException("Stored message has a length that overflows 31 bits.");
                }

                value |= (uint)(b & 0x7F) << shift;
                if ((b & 0x80) == 0)
                {
                    return (int)value;
                }
            }

            throw new InvalidDataException("Stored message has a length that overflows 31 bits.");
        }

        public string String()
        {
            var bytes = Take(Length());
            try
            {
                return StrictUtf8.GetString(bytes);
            }
            catch (DecoderFallbackException e)
            {
                throw new InvalidDataException("Stored message has a string that is not UTF-8.", e);
            }
        }

        public byte[] Bytes() => Take(Length()).ToArray();

        private ReadOnlySpan<byte> Take(int count)
        {
            if (count > Remaining)
            {
                throw new InvalidDataException($"Stored message is truncated: {count} bytes needed, {Remaining} remain.");
            }

            var slice = _buffer.Slice(Position, count);
            Position += count;
            return slice;
        }
    }
}
