namespace Broker.Core.Security.Protection;

/// <summary>
/// A rate with a burst (EMQX's limiter): <see cref="Burst"/> tokens at most, refilled at <see cref="Rate"/> a second.
/// Taking more than there are goes into debt and says how long until it is paid back: the caller waits that long
/// before its next read, so a fast client is slowed to the rate instead of being refused or disconnected. Not
/// thread-safe; a bucket shared by threads is taken under a lock, its debt bounded (<see cref="TakeShared"/>).
/// </summary>
public sealed class TokenBucket
{
    private readonly double _ticksPerToken;
    private double _tokens;
    private long _lastTicks;

    /// <param name="burst">Tokens that can be spent at once; 0 or less: one second's worth.</param>
    public TokenBucket(double rate, double burst, long nowTicks)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(rate);
        Rate = rate;
        Burst = burst > 0 ? burst : rate;
        _ticksPerToken = TimeSpan.TicksPerSecond / rate;
        _tokens = Burst;
        _lastTicks = nowTicks;
    }

    public double Rate { get; }

    public double Burst { get; }

    /// <summary>Spends <paramref name="amount"/>; returns how long the taker should wait: zero while the bucket holds enough.</summary>
    public TimeSpan Take(double amount, long nowTicks)
    {
        var elapsed = nowTicks - _lastTicks;
        if (elapsed > 0)
        {
            _tokens = Math.Min(Burst, _tokens + (elapsed / _ticksPerToken));
            _lastTicks = nowTicks;
        }

        _tokens -= amount;
        return _tokens >= 0 ? TimeSpan.Zero : TimeSpan.FromTicks((long)Math.Ceiling(-_tokens * _ticksPerToken));
    }

    /// <summary>
    /// Under a lock, for a bucket many threads share: takes <paramref name="amount"/> unless that would mean waiting
    /// longer than <paramref name="maxWait"/>; then nothing is taken and null says so. The debt stays bounded, so a
    /// flood of connections that hang up at once cannot push everybody after them minutes back.
    /// </summary>
    public TimeSpan? TakeShared(double amount, long nowTicks, TimeSpan maxWait)
    {
        lock (this)
        {
            var wait = Take(amount, nowTicks);
            if (wait <= maxWait)
            {
                return wait;
            }

            _tokens += amount;
            return null;
        }
    }
}
