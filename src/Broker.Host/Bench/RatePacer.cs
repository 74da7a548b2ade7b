using System.Diagnostics;

namespace Broker.Host.Bench;

/// <summary>
/// When a publisher with a message rate may send: message n (0-based) is due n / rate seconds after the start, so a
/// publisher that fell behind catches up in one batch rather than drifting. Rate 0: everything is due at once.
/// Times are Stopwatch ticks, passed in, so the arithmetic is testable without a clock.
/// </summary>
public readonly record struct RatePacer(int RatePerSecond, long StartTicks)
{
    public bool Unlimited => RatePerSecond == 0;

    /// <summary>How many of the messages due by <paramref name="nowTicks"/> are not sent yet.</summary>
    public long Due(long nowTicks, long sent)
    {
        if (Unlimited)
            return long.MaxValue;
        var elapsed = Math.Max(0, nowTicks - StartTicks);
        var dueByNow = (long)(elapsed * (double)RatePerSecond / Stopwatch.Frequency) + 1;
        return Math.Max(0, dueByNow - sent);
    }

    /// <summary>Ticks from <paramref name="nowTicks"/> until the message after the <paramref name="sent"/> ones is due (0 if it is).</summary>
    public long TicksUntilNext(long nowTicks, long sent)
    {
        if (Unlimited)
            return 0;
        var dueAt = StartTicks + (long)(sent * (double)Stopwatch.Frequency / RatePerSecond);
        return Math.Max(0, dueAt - nowTicks);
    }
}
