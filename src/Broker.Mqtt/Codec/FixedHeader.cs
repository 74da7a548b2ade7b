using System.Buffers;

namespace Broker.Mqtt.Codec;

/// <summary>
/// The fixed header (2.1.1), present in every packet:
/// <code>
///   byte 1     bits 7-4 packet type, bits 3-0 flags specific to the type
///   byte 2..5  remaining length: Variable Byte Integer, 1 to 4 bytes, at most 268,435,455
/// </code>
/// </summary>
internal readonly record struct FixedHeader(PacketType Type, byte Flags, int RemainingLength, int HeaderLength)
{
    /// <summary>The whole packet, the size that Maximum Packet Size limits.</summary>
    public long TotalLength => (long)HeaderLength + RemainingLength;

    /// <returns>false when the buffer ends inside the header; a malformed header throws.</returns>
    public static bool TryRead(in ReadOnlySequence<byte> buffer, out FixedHeader header)
    {
        var span = buffer.FirstSpan;
        return span.Length >= 5 ? TryRead(span, out header) : TryReadSlow(buffer, out header);
    }

    private static bool TryReadSlow(in ReadOnlySequence<byte> buffer, out FixedHeader header)
    {
        Span<byte> copy = stackalloc byte[5];
        var length = (int)Math.Min(buffer.Length, copy.Length);
        buffer.Slice(0, length).CopyTo(copy);
        return TryRead(copy[..length], out header);
    }

    private static bool TryRead(ReadOnlySpan<byte> span, out FixedHeader header)
    {
        header = default;
        if (span.IsEmpty)
        {
            return false;
        }

        var first = span[0];
        var remaining = 0;
        for (var i = 1; i <= 4; i++)
        {
            if (i >= span.Length)
            {
                return false;
            }

            var b = span[i];
            remaining |= (b & 0x7F) << (7 * (i - 1));
            if ((b & 0x80) == 0)
            {
                if (b == 0 && i > 1)
                {
                    Throw.Malformed("the remaining length is not encoded in the minimum number of bytes [MQTT-1.5.5-1]");
                }

                header = new FixedHeader((PacketType)(first >> 4), (byte)(first & 0x0F), remaining, i + 1);
                return true;
            }
        }

        Throw.Malformed("the remaining length is longer than 4 bytes");
        return false;
    }
}
