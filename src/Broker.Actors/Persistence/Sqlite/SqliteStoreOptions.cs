namespace Broker.Actors.Persistence.Sqlite;

/// <summary>Where the SQLite database lives and how durably it commits.</summary>
public sealed record SqliteStoreOptions(string Path)
{
    public SqliteSynchronous Synchronous { get; init; } = SqliteSynchronous.Full;

    /// <summary>How long a statement waits for another connection's write lock (the snapshot store's, a deletion's) before failing.</summary>
    public TimeSpan BusyTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>The most events one group commit carries; more wait for the next transaction.</summary>
    public int MaxEventsPerCommit { get; init; } = 10_000;

    /// <summary>
    /// Zero (the default): a group commit starts as soon as the previous one is done, each write completing
    /// when committed. Otherwise commits start at most once per interval (periodic durability): fewer, larger
    /// transactions, and a crash loses at most the last interval's writes.
    /// </summary>
    public TimeSpan CommitInterval { get; init; }
}
