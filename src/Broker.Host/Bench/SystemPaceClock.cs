using System.Diagnostics;
using System.Runtime.InteropServices;

namespace Broker.Host.Bench;

/// <summary>
/// Stopwatch ticks, and sleeps that end when the next message is due, not at the next millisecond: on Linux an absolute
/// <c>clock_nanosleep</c> on CLOCK_MONOTONIC, the clock Stopwatch reads, which wakes within the timer slack (50 µs by
/// default); elsewhere <see cref="Thread.Sleep(TimeSpan)"/> with its millisecond granularity.
/// </summary>
public sealed partial class SystemPaceClock : IPaceClock
{
    public static readonly SystemPaceClock Instance = new();

    private const int ClockMonotonic = 1;
    private const int TimerAbsolute = 1;
    private const int Interrupted = 4; // EINTR: a signal arrived; sleep again.

    private static readonly bool Nanosleep = OperatingSystem.IsLinux() && Stopwatch.Frequency == 1_000_000_000;

    public long Frequency => Stopwatch.Frequency;

    public long Now() => Stopwatch.GetTimestamp();

    public void SleepUntil(long ticks)
    {
        if (Nanosleep)
        {
            var until = new Timespec(ticks / 1_000_000_000, ticks % 1_000_000_000);
            while (clock_nanosleep(ClockMonotonic, TimerAbsolute, in until, IntPtr.Zero) == Interrupted)
            {
            }
            return;
        }
        var wait = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), ticks);
        if (wait > TimeSpan.Zero)
            Thread.Sleep(wait);
    }

    [StructLayout(LayoutKind.Sequential)]
    private readonly record struct Timespec(long Seconds, long Nanoseconds);

    // Returns the error number itself (0 on success), not -1 and errno.
    [DllImport("libc", ExactSpelling = true)]
    private static extern int clock_nanosleep(int clockId, int flags, in Timespec request, IntPtr remain);
}
