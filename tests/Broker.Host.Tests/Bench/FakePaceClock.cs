using Broker.Host.Bench;

namespace Broker.Host.Tests.Bench;

/// <summary>A pacing clock in milliseconds that moves only when the loop sleeps, optionally oversleeping once.</summary>
internal sealed class FakePaceClock(long frequency = 1000) : IPaceClock
{
    public long Current { get; set; }

    /// <summary>Added to the next sleep only, as a loaded machine wakes a thread late.</summary>
    public long OversleepOnce { get; set; }

    public List<long> Sleeps { get; } = [];

    public long Frequency => frequency;

    public long Now() => Current;

    public void SleepUntil(long ticks)
    {
        Sleeps.Add(ticks);
        Current = Math.Max(Current, ticks) + OversleepOnce;
        OversleepOnce = 0;
    }
}
