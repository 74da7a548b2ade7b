namespace Broker.Host.Configuration.Hocon;

/// <summary>
/// Durations as HOCON writes them: <c>100ms</c>, <c>30s</c>, <c>5m</c>, <c>2h</c>, <c>1d</c>,
/// long forms (<c>10 seconds</c>), chains (<c>1h30m</c>); a plain number is milliseconds.
/// Units: ns, us, ms, s, m, h, d and their singular and plural names, in any letter case.
/// Durations are never negative. Precision is a <see cref="TimeSpan"/> tick (100ns).
/// </summary>
public static class HoconDuration
{
    private const decimal Millisecond = TimeSpan.TicksPerMillisecond;

    public static bool TryParse(string text, out TimeSpan value)
    {
        value = default;
        if (!HoconUnits.TryParse(text, allowChain: true, Unit, Millisecond, out var ticks))
            return false;
        ticks = decimal.Round(ticks, MidpointRounding.AwayFromZero);
        if (ticks > TimeSpan.MaxValue.Ticks)
            return false;
        value = TimeSpan.FromTicks((long)ticks);
        return true;
    }

    /// <summary>The shortest exact form: <c>300000ms</c> is written <c>5m</c>.</summary>
    public static string Format(TimeSpan value)
    {
        var ticks = value.Ticks;
        if (ticks == 0)
            return "0s";
        foreach (var (unit, size) in Units)
        {
            if (ticks % size == 0)
                return $"{ticks / size}{unit}";
        }
        return $"{ticks * 100}ns";
    }

    private static readonly (string Unit, long Ticks)[] Units =
    [
        ("d", TimeSpan.TicksPerDay),
        ("h", TimeSpan.TicksPerHour),
        ("m", TimeSpan.TicksPerMinute),
        ("s", TimeSpan.TicksPerSecond),
        ("ms", TimeSpan.TicksPerMillisecond),
        ("us", TimeSpan.TicksPerMicrosecond),
    ];

    private static decimal? Unit(string unit) => unit.ToLowerInvariant() switch
    {
        "ns" or "nanosecond" or "nanoseconds" => 0.01m,
        "us" or "microsecond" or "microseconds" => TimeSpan.TicksPerMicrosecond,
        "ms" or "millisecond" or "milliseconds" => TimeSpan.TicksPerMillisecond,
        "s" or "second" or "seconds" => TimeSpan.TicksPerSecond,
        "m" or "minute" or "minutes" => TimeSpan.TicksPerMinute,
        "h" or "hour" or "hours" => TimeSpan.TicksPerHour,
        "d" or "day" or "days" => TimeSpan.TicksPerDay,
        _ => null,
    };
}
