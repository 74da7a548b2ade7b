namespace Broker.Actors.Persistence;

/// <summary>
/// Events of one persistent actor, with consecutive sequence numbers, that are stored all or none: what
/// one command (or one handler) persisted. A journal may commit many of them in one transaction.
/// </summary>
public sealed record AtomicWrite
{
    public AtomicWrite(string persistenceId, IReadOnlyList<JournalEntry> entries)
    {
        ArgumentException.ThrowIfNullOrEmpty(persistenceId);
        if (entries.Count == 0)
        {
            throw new ArgumentException("An atomic write holds at least one event.", nameof(entries));
        }

        for (var i = 0; i < entries.Count; i++)
        {
            if (entries[i].PersistenceId != persistenceId)
            {
                throw new ArgumentException("Every event of an atomic write belongs to its persistence id.", nameof(entries));
            }

            if (i > 0 && entries[i].SequenceNr != entries[i - 1].SequenceNr + 1)
            {
                throw new ArgumentException("The sequence numbers of an atomic write are consecutive.", nameof(entries));
            }
        }

        PersistenceId = persistenceId;
        Entries = entries;
    }

    public string PersistenceId { get; }

    public IReadOnlyList<JournalEntry> Entries { get; }

    public long HighestSequenceNr => Entries[^1].SequenceNr;
}
