namespace Broker.Actors;

/// <summary>What a bounded mailbox does when a message arrives and it is full.</summary>
public enum MailboxOverflow
{
    /// <summary>Refuse the new message.</summary>
    DropNewest,

    /// <summary>Drop the oldest waiting message to make room: the freshest data wins, as telemetry wants.</summary>
    DropOldest,

    /// <summary>
    /// Make the sender wait for room, up to <see cref="MailboxOptions.PushTimeout"/>, then refuse the message.
    /// For producers that must slow down rather than lose data (a connection reading a socket).
    /// </summary>
    BackPressure,
}

/// <summary>Unbounded, or bounded with an overflow policy. Every refused or dropped message is counted and published as <see cref="Dropped"/>.</summary>
public sealed record MailboxOptions
{
    public static readonly MailboxOptions Unbounded = new();

    /// <summary>Null: unbounded.</summary>
    public int? Capacity { get; init; }

    public MailboxOverflow Overflow { get; init; } = MailboxOverflow.DropNewest;

    public TimeSpan PushTimeout { get; init; } = TimeSpan.FromSeconds(1);

    public static MailboxOptions Bounded(int capacity, MailboxOverflow overflow = MailboxOverflow.DropNewest, TimeSpan? pushTimeout = null) =>
        capacity > 0
            ? new MailboxOptions { Capacity = capacity, Overflow = overflow, PushTimeout = pushTimeout ?? TimeSpan.FromSeconds(1) }
            : throw new ArgumentOutOfRangeException(nameof(capacity), "A bounded mailbox holds at least one message.");
}
