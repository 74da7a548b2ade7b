using System.Buffers;
using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Text;

namespace Broker.Mqtt.Codec;

/// <summary>
/// Writes straight into the output's memory, asking it for a new span only when the current one is
/// full (as Kestrel's BufferWriter does), so a small packet costs one GetSpan and one Advance.
/// <see cref="Commit"/> must be called once at the end.
/// </summary>
internal ref struct PacketWriter
{
    private readonly IBufferWriter<byte> _output;
    private Span<byte> _span;
    private int _buffered;

    public PacketWriter(IBufferWriter<byte> output, int sizeHint)
    {
        _output = output;
        _span = output.GetSpan(sizeHint);
        _buffered = 0;
    }

    public void Commit()
    {
        if (_buffered > 0)
        {
            _output.Advance(_buffered);
        }

        _span = default;
        _buffered = 0;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void WriteByte(byte value)
    {
        Ensure(1);
        _span[_buffered++] = value;
    }

    public void WriteUInt16(ushort value)
    {
        Ensure(2);
        BinaryPrimitives.WriteUInt16BigEndian(_span[_buffered..], value);
        _buffered += 2;
    }

    public void WriteUInt32(uint value)
    {
        Ensure(4);
        BinaryPrimitives.WriteUInt32BigEndian(_span[_buffered..], value);
        _buffered += 4;
    }

    public void WriteVariableByteInteger(int value)
    {
        Ensure(4);
        do
        {
            var b = (byte)(value & 0x7F);
            value >>= 7;
            _span[_buffered++] = value > 0 ? (byte)(b | 0x80) : b;
        }
        while (value > 0);
    }

    /// <summary>A UTF-8 Encoded String whose byte count the caller already computed for the packet size.</summary>
    public void WriteString(string value, int byteCount)
    {
        WriteUInt16((ushort)byteCount);
        Ensure(byteCount);
        _buffered += Encoding.UTF8.GetBytes(value, _span[_buffered..]);
    }

    public void WriteBinary(ReadOnlySpan<byte> value)
    {
        WriteUInt16((ushort)value.Length);
        WriteRaw(value);
    }

    public void WriteRaw(ReadOnlySpan<byte> value)
    {
        while (!value.IsEmpty)
        {
            Ensure(1);
            var chunk = Math.Min(value.Length, _span.Length - _buffered);
            value[..chunk].CopyTo(_span[_buffered..]);
            _buffered += chunk;
            value = value[chunk..];
        }
    }

    public void WriteRaw(in ReadOnlySequence<byte> value)
    {
        if (value.IsSingleSegment)
        {
            WriteRaw(value.FirstSpan);
            return;
        }

        foreach (var segment in value)
        {
            WriteRaw(segment.Span);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Ensure(int count)
    {
        if (_span.Length - _buffered < count)
        {
            Grow(count);
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void Grow(int count)
    {
        Commit();
        _span = _output.GetSpan(count);
    }
}
