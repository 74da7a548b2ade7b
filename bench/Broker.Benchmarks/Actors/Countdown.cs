namespace Broker.Benchmarks.Actors;

/// <summary>
/// The one completion signal of a benchmark operation: the participants count down, the last one wakes
/// the benchmark thread. Reused across operations, so it adds no allocation to the figures, and the
/// waiter blocks at once instead of spinning (a spinning waiter would take one of the two cores away
/// from the actors it measures).
/// </summary>
internal sealed class Countdown
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(1);

    private readonly ManualResetEventSlim _done = new(initialState: false, spinCount: 0);
    private int _remaining;

    /// <summary>Arms the signal; call it before starting the operation, never while one runs.</summary>
    public void Reset(int participants)
    {
        _done.Reset();
        Volatile.Write(ref _remaining, participants);
    }

    public void Signal()
    {
        if (Interlocked.Decrement(ref _remaining) == 0)
        {
            _done.Set();
        }
    }

    /// <summary>Fails the run rather than hanging it when a message was lost.</summary>
    public void Wait()
    {
        if (!_done.Wait(Timeout))
        {
            throw new TimeoutException($"{Volatile.Read(ref _remaining)} participants had not finished after {Timeout}.");
        }
    }
}
