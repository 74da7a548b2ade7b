namespace Broker.Host.Configuration.Hocon;

/// <summary>
/// Sizes in bytes: <c>256KB</c>, <c>1MB</c>, <c>10MiB</c>, <c>1G</c>, <c>512 bytes</c>; a plain
/// number is bytes.
/// </summary>
/// <remarks>
/// Every multiple is a power of 1024, as in EMQX: K, KB, KiB and kilobyte all mean 1024 bytes,
/// M, MB, MiB 1024², and so on up to E (exbibytes). The HOCON spec reads kB and MB as powers of
/// 1000; this reader does not, because broker operators copy values from EMQX configurations,
/// where <c>max_packet_size = 1MB</c> means 1048576. Units are case-insensitive.
/// </remarks>
public static class HoconSize
{
    public static bool TryParse(string text, out long bytes)
    {
        bytes = 0;
        if (!HoconUnits.TryParse(text, allowChain: false, Unit, 1, out var total)
            || total != decimal.Truncate(total)
            || total > long.MaxValue)
            return false;
        bytes = (long)total;
        return true;
    }

    /// <summary>The largest unit that divides exactly: 1048576 is <c>1MB</c>, 1000 is <c>1000B</c>.</summary>
    public static string Format(long bytes)
    {
        if (bytes == 0)
            return "0B";
        foreach (var (unit, size) in Units)
        {
            if (bytes % size == 0)
                return $"{bytes / size}{unit}";
        }
        return $"{bytes}B";
    }

    private static readonly (string Unit, long Bytes)[] Units =
    [
        ("EB", 1L << 60),
        ("PB", 1L << 50),
        ("TB", 1L << 40),
        ("GB", 1L << 30),
        ("MB", 1L << 20),
        ("KB", 1L << 10),
    ];

    private static decimal? Unit(string unit) => unit.ToLowerInvariant() switch
    {
        "b" or "byte" or "bytes" => 1,
        "k" or "kb" or "ki" or "kib" or "kilobyte" or "kilobytes" or "kibibyte" or "kibibytes" => 1L << 10,
        "m" or "mb" or "mi" or "mib" or "megabyte" or "megabytes" or "mebibyte" or "mebibytes" => 1L << 20,
        "g" or "gb" or "gi" or "gib" or "gigabyte" or "gigabytes" or "gibibyte" or "gibibytes" => 1L << 30,
        "t" or "tb" or "ti" or "tib" or "terabyte" or "terabytes" or "tebibyte" or "tebibytes" => 1L << 40,
        "p" or "pb" or "pi" or "pib" or "petabyte" or "petabytes" or "pebibyte" or "pebibytes" => 1L << 50,
        "e" or "eb" or "ei" or "eib" or "exabyte" or "exabytes" or "exbibyte" or "exbibytes" => 1L << 60,
        _ => null,
    };
}
