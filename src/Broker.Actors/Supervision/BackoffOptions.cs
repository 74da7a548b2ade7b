namespace Broker.Actors;

/// <summary>
/// Restart with back-off: the n-th consecutive restart waits min × 2^(n-1), at most max, stretched by up
/// to <see cref="RandomFactor"/> so that many children failing together (a database going away) do not
/// all come back at the same instant. Messages wait in the mailbox meanwhile.
/// </summary>
public sealed record BackoffOptions(TimeSpan MinBackoff, TimeSpan MaxBackoff, double RandomFactor = 0.2)
{
    public TimeSpan DelayFor(int restartCount, Random random)
    {
        var exponent = Math.Min(Math.Max(restartCount - 1, 0), 30);
        var delay = Math.Min(MinBackoff.TotalMilliseconds * Math.Pow(2, exponent), MaxBackoff.TotalMilliseconds);
        return TimeSpan.FromMilliseconds(delay * (1 + (random.NextDouble() * RandomFactor)));
    }
}
