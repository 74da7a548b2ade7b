namespace Broker.Host.Bench;

/// <summary>
/// When a subscriber's read loop waits a little before reading again, so that one read takes many messages: only in
/// runs whose publishers are flat out (--rate 0), whose latencies are queueing of seconds anyway, and only after a
/// short read. A broker that writes each message in its own system call (mosquitto) otherwise wakes the generator,
/// and makes the kernel receive and acknowledge a segment, once per message: CPU the generator then lacks for its own
/// work in a flat-out fan-in run. After a pause of 1 ms the next read takes a
/// millisecond's worth of messages at once; a read that filled most of the buffer means the bytes are already
/// waiting, and the loop reads again at once. Paced runs, which measure latency, never pause.
/// </summary>
public readonly record struct ReadCoalescing(TimeSpan Pause, long ShortReadBytes)
{
    public static readonly ReadCoalescing None = new(TimeSpan.Zero, 0);

    /// <summary>1 ms after a read of less than 16 KB: the pipe's minimum read size, so a full read is never followed by a pause.</summary>
    public static readonly ReadCoalescing FlatOut = new(TimeSpan.FromMilliseconds(1), 16 * 1024);

    public static ReadCoalescing For(BenchOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return options.Rate == 0 && options.QoS == Broker.Mqtt.QualityOfService.AtMostOnce ? FlatOut : None;
    }

    public bool PauseAfter(long bytesRead, bool completed) => !completed && Pause > TimeSpan.Zero && bytesRead < ShortReadBytes;
}
