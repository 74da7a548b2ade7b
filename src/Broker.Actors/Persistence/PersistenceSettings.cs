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
}
