namespace Broker.Host.Bench;

/// <summary>
/// When each of <see cref="Publishers"/> publishers at <see cref="RatePerPublisher"/> messages a second may send,
/// spread evenly over time: publisher p's message k is due (k + p / N) / rate seconds after the start. Taken together
/// the publishers form one stream at N x rate whose message j belongs to publisher j mod N, so 1,000 publishers at
/// 10 msg/s send one message every 100 µs, not 1,000 in the same millisecond ten times a second (a burst that the
/// broker and the generator's own receivers then queue behind, and that the latency percentiles measured).
/// Times are ticks of <see cref="Frequency"/> per second, passed in, so the arithmetic is testable without a clock.
/// </summary>
public readonly record struct PaceSchedule(int Publishers, int RatePerPublisher, long StartTicks, long Frequency)
{
    // Integer arithmetic (128-bit: nanosecond ticks times messages a second overflow 64 bits after 15 minutes), so
    // that a message is due exactly at TicksOf(index) and not one tick either side, as rounding would make it.
    private Int128 StreamRate => (Int128)Publishers * RatePerPublisher;

    /// <summary>How many messages of the whole stream are due by <paramref name="nowTicks"/> (the first is due at the start).</summary>
    public long DueTotal(long nowTicks) =>
        nowTicks < StartTicks ? 0 : (long)((nowTicks - StartTicks) * StreamRate / Frequency) + 1;

    /// <summary>The publisher whose message is the stream's <paramref name="index"/>-th.</summary>
    public int PublisherOf(long index) => (int)(index % Publishers);

    /// <summary>How many of <paramref name="publisher"/>'s messages are due by the time <paramref name="dueTotal"/> of the stream's are.</summary>
    public long DueFor(int publisher, long dueTotal) =>
        dueTotal <= publisher ? 0 : ((dueTotal - publisher - 1) / Publishers) + 1;

    /// <summary>When the stream's message <paramref name="index"/> is due: the first tick at which <see cref="DueTotal"/> counts it.</summary>
    public long TicksOf(long index) => StartTicks + (long)((index * (Int128)Frequency + StreamRate - 1) / StreamRate);
}
