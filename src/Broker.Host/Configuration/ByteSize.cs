using System.ComponentModel;
using System.Diagnostics.CodeAnalysis;
using Broker.Host.Configuration.Hocon;

namespace Broker.Host.Configuration;

/// <summary>
/// A configured size in bytes, read from text such as <c>256KB</c>, <c>1MB</c> or <c>10MiB</c>
/// (a plain number is bytes) wherever the value comes from. K, KB and KiB all mean 1024, as in
/// EMQX (see <see cref="HoconSize"/>).
/// </summary>
[TypeConverter(typeof(ParsableConverter<ByteSize>))]
public readonly record struct ByteSize(long Bytes) : IComparable<ByteSize>, IParsable<ByteSize>
{
    public static ByteSize FromKilobytes(long kilobytes) => new(kilobytes * 1024);

    public static ByteSize FromMegabytes(long megabytes) => new(megabytes * 1024 * 1024);

    public static ByteSize Parse(string s, IFormatProvider? provider = null) =>
        TryParse(s, provider, out var result) ? result : throw new FormatException($"expected a size like 256KB or 1MB, got \"{s}\"");

    public static bool TryParse([NotNullWhen(true)] string? s, IFormatProvider? provider, out ByteSize result)
    {
        result = default;
        if (s is null || !HoconSize.TryParse(s, out var bytes))
            return false;
        result = new ByteSize(bytes);
        return true;
    }

    public int CompareTo(ByteSize other) => Bytes.CompareTo(other.Bytes);

    public static bool operator <(ByteSize left, ByteSize right) => left.Bytes < right.Bytes;

    public static bool operator >(ByteSize left, ByteSize right) => left.Bytes > right.Bytes;

    public static bool operator <=(ByteSize left, ByteSize right) => left.Bytes <= right.Bytes;

    public static bool operator >=(ByteSize left, ByteSize right) => left.Bytes >= right.Bytes;

    /// <summary>In the configuration syntax, largest exact unit: 1048576 prints as <c>1MB</c>.</summary>
    public override string ToString() => HoconSize.Format(Bytes);
}
