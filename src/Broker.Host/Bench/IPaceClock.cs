namespace Broker.Host.Bench;

/// <summary>The pacing loop's clock: a fake one in tests, <see cref="SystemPaceClock"/> in a run.</summary>
public interface IPaceClock
{
    long Frequency { get; }

    long Now();

    /// <summary>Blocks the calling thread until <paramref name="ticks"/>, or returns at once if that has passed.</summary>
    void SleepUntil(long ticks);
}
