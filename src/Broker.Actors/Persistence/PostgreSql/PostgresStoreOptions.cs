namespace Broker.Actors.Persistence.PostgreSql;

/// <summary>Which PostgreSQL database holds the journal and snapshots, and in which schema.</summary>
public sealed record PostgresStoreOptions(string ConnectionString)
{
    /// <summary>The schema of the tables, created with them when missing: lower-case letters, digits and '_'.</summary>
    public string Schema { get; init; } = "public";

    /// <summary>The most events one group commit carries; more wait for the next transaction.</summary>
    public int MaxEventsPerCommit { get; init; } = 10_000;

    /// <summary>
    /// Zero (the default): a group commit starts as soon as the previous one is done, each write completing
    /// when committed. Otherwise commits start at most once per interval (periodic durability): fewer, larger
    /// transactions, and a crash loses at most the last interval's writes.
    /// </summary>
    public TimeSpan CommitInterval { get; init; }
}
