using System.Buffers;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Unicode;

namespace Broker.Mqtt.Codec;

/// <summary>
/// The data representations of section 1.5, read from a packet body. The reader is bounded by the
/// remaining length, so running out of bytes always means the packet is malformed, never "wait for more".
/// </summary>
internal static class WireReader
{
    private const int StackCopyLimit = 256;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static byte ReadByte(ref SequenceReader<byte> reader, string field)
    {
        if (!reader.TryRead(out var value))
        {
            Throw.Truncated(field);
        }

        return value;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ushort ReadUInt16(ref SequenceReader<byte> reader, string field)
    {
        if (!reader.TryReadBigEndian(out short value))
        {
            Throw.Truncated(field);
        }

        return (ushort)value;
    }

    public static uint ReadUInt32(ref SequenceReader<byte> reader, string field)
    {
        if (!reader.TryReadBigEndian(out int value))
        {
            Throw.Truncated(field);
        }

        return (uint)value;
    }

    /// <summary>1.5.5: at most four bytes, and in the minimum number of bytes [MQTT-1.5.5-1].</summary>
    public static int ReadVariableByteInteger(ref SequenceReader<byte> reader, string field)
    {
        var value = 0;
        for (var i = 0; i < 4; i++)
        {
            var b = ReadByte(ref reader, field);
            value |= (b & 0x7F) << (7 * i);
            if ((b & 0x80) == 0)
            {
                if (b == 0 && i > 0)
                {
                    Throw.Malformed($"the {field} is not encoded in the minimum number of bytes");
                }

                return value;
            }
        }

        Throw.Malformed($"the {field} is a variable byte integer longer than 4 bytes");
        return 0;
    }

    /// <summary>A UTF-8 Encoded String (1.5.4), checked as the specification requires.</summary>
    public static string ReadString(ref SequenceReader<byte> reader, string field)
    {
        var length = ReadUInt16(ref reader, field);
        if (reader.UnreadSpan.Length >= length)
        {
            var span = reader.UnreadSpan[..length];
            var value = DecodeUtf8(span, field);
            reader.Advance(length);
            return value;
        }

        return ReadSplitString(ref reader, length, field);
    }

    /// <summary>Binary Data (1.5.6), as a slice of the packet body: no copy.</summary>
    public static ReadOnlySequence<byte> ReadBinarySlice(ref SequenceReader<byte> reader, string field)
    {
        var length = ReadUInt16(ref reader, field);
        if (!reader.TryReadExact(length, out var value))
        {
            Throw.Truncated(field);
        }

        return value;
    }

    /// <summary>Binary Data copied out, for values that outlive the receive buffer.</summary>
    public static ReadOnlyMemory<byte> ReadBinary(ref SequenceReader<byte> reader, string field) =>
        ReadBinarySlice(ref reader, field).ToArray();

    /// <summary>
    /// [MQTT-1.5.4-1] well-formed UTF-8 (which excludes the surrogates U+D800..U+DFFF and overlong forms),
    /// [MQTT-1.5.4-2] no U+0000. Both make the packet malformed.
    /// </summary>
    public static void ValidateUtf8(ReadOnlySpan<byte> value, string field)
    {
        if (value.Contains((byte)0))
        {
            Throw.Malformed($"the {field} contains U+0000");
        }

        if (!Utf8.IsValid(value))
        {
            Throw.Malformed($"the {field} is not well-formed UTF-8");
        }
    }

    public static string DecodeUtf8(ReadOnlySpan<byte> value, string field)
    {
        if (value.IsEmpty)
        {
            return "";
        }

        ValidateUtf8(value, field);
        return Encoding.UTF8.GetString(value);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static string ReadSplitString(ref SequenceReader<byte> reader, int length, string field)
    {
        if (!reader.TryReadExact(length, out var slice))
        {
            Throw.Truncated(field);
        }

        // The string straddles two buffer segments: join it, on the stack when small.
        byte[]? rented = null;
        var buffer = length <= StackCopyLimit ? stackalloc byte[StackCopyLimit] : (rented = ArrayPool<byte>.Shared.Rent(length));
        try
        {
            slice.CopyTo(buffer);
            return DecodeUtf8(buffer[..length], field);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }
}
