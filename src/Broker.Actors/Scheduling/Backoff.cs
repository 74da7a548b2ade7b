namespace Broker.Actors;

/// <summary>
/// Retrying later and later while something keeps failing (storage gone away): the n-th consecutive retry
/// waits min × 2^(n-1), at most max, stretched by up to <see cref="RandomFactor"/> so that the many retries
/// one failure causes (every session of a database that went away) do not all come back at the same instant.
/// </summary>
public sealed record Backoff(TimeSpan Min, TimeSpan Max, double RandomFactor = 0.2)
{
    /// <param name="attempt">1 for the first retry since the last success.</param>
    public TimeSpan DelayFor(int attempt, Random random)
    {
        ArgumentNullException.ThrowIfNull(random);
        var exponent = Math.Min(Math.Max(attempt - 1, 0), 30);
        var delay = Math.Min(Min.TotalMilliseconds * Math.Pow(2, exponent), Max.TotalMilliseconds);
        return TimeSpan.FromMilliseconds(delay * (1 + (random.NextDouble() * RandomFactor)));
    }
}
