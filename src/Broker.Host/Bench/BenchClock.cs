using System.Diagnostics;

namespace Broker.Host.Bench;

/// <summary>
/// Nanoseconds since the Unix epoch, read from the monotonic Stopwatch after one wall-clock reading at start:
/// as cheap as a Stopwatch read, never steps back during a run, and comparable between two bench processes on
/// one machine (to the precision of their two wall-clock readings).
/// </summary>
public static class BenchClock
{
    private static readonly long OriginTicks = Stopwatch.GetTimestamp();
    private static readonly long OriginUnixNs = (DateTime.UtcNow - DateTime.UnixEpoch).Ticks * 100;
    private static readonly bool TicksAreNanoseconds = Stopwatch.Frequency == 1_000_000_000;
    private static readonly double NanosecondsPerTick = 1e9 / Stopwatch.Frequency;

    public static long NowNs()
    {
        var elapsed = Stopwatch.GetTimestamp() - OriginTicks;
        return OriginUnixNs + (TicksAreNanoseconds ? elapsed : (long)(elapsed * NanosecondsPerTick));
    }
}
