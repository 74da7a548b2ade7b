namespace Broker.Core.Messaging;

/// <summary>
/// Gives each message entering the broker its <see cref="ApplicationMessage.Id"/>, unique in the cluster without
/// any coordination: the high 32 bits are a random prefix chosen once per process (never 0, so no id is 0), the low
/// 32 bits a counter of this process.
/// <para>
/// Why that is unique enough: an id only has to differ from the ids of the other messages one session sees within the
/// few seconds a takeover lasts. Within one process ids repeat only after 2^32 messages (over an hour at a million a
/// second). Two processes (two nodes, or one node before and after a restart) collide only when they drew the same
/// prefix, with probability 2^-32 for a pair (about 1e-8 for a cluster of ten nodes), and then also only when their
/// counters are close at the same time.
/// </para>
/// </summary>
public static class MessageIds
{
    private static readonly long Prefix = Random.Shared.NextInt64(1, 1L << 32) << 32;

    private static int _counter;

    /// <summary>A new id, never 0; lock-free and allocation-free, safe from any thread.</summary>
    public static long Next() => Prefix | (uint)Interlocked.Increment(ref _counter);
}
