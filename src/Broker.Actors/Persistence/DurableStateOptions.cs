namespace Broker.Actors.Persistence;

/// <summary>How a durable state store groups its writes into commits.</summary>
public sealed record DurableStateOptions
{
    public static readonly DurableStateOptions Default = new();

    /// <summary>
    /// Zero (the default): a commit starts as soon as the previous one ends, carrying whatever queued meanwhile.
    /// Above zero: commits start at most once per interval, the <c>periodic</c> durability; a write still
    /// completes only once committed, so whoever waits for it waits up to the interval.
    /// </summary>
    public TimeSpan CommitInterval { get; init; } = TimeSpan.Zero;

    /// <summary>The most upserts and deletes one commit carries; more wait for the next transaction.</summary>
    public int MaxWritesPerCommit { get; init; } = 10_000;

    /// <summary>The clock of the commit interval.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;
}
