namespace Broker.Actors.Persistence;

/// <summary>How persistent actors use their stores.</summary>
public sealed record PersistenceSettings
{
    public static readonly PersistenceSettings Default = new();

    /// <summary>
    /// A snapshot is taken after this many events since the last one, by actors that offer a state
    /// (<see cref="PersistentActor.GetSnapshotState"/>); 0 never.
    /// </summary>
    public int SnapshotEvery { get; init; } = 1000;

    /// <summary>Events read from the journal per query during recovery: bounds the memory a long history needs.</summary>
    public int ReplayBatchSize { get; init; } = 1000;

    /// <summary>
    /// Actors reading their history at the same time, the others waiting their turn: after a restart, ten
    /// thousand sessions recovering at once would take every connection the database allows.
    /// </summary>
    public int MaxConcurrentRecoveries { get; init; } = 16;
}
