using Broker.Host.Configuration;
using Microsoft.Extensions.Configuration;

namespace Broker.Host.Options;

/// <summary>
/// The <c>persistence</c> section: where sessions and retained messages are stored (event journal, snapshots and
/// durable state), opened at start by <see cref="Persistence.BrokerPersistence"/>.
/// </summary>
public sealed class PersistenceOptions
{
    [ConfigurationKeyName("backend")]
    public PersistenceBackend Backend { get; set; } = PersistenceBackend.Sqlite;

    [ConfigurationKeyName("durability")]
    public PersistenceDurability Durability { get; set; } = PersistenceDurability.Sync;

    /// <summary>With <c>periodic</c> durability, how often storage is committed: the window a crash may lose.</summary>
    [ConfigurationKeyName("periodic_interval")]
    public Duration PeriodicInterval { get; set; } = Duration.FromMilliseconds(100);

    /// <summary>Events after which a persistent actor snapshots its state (and recovery starts from there); 0 never.</summary>
    [ConfigurationKeyName("snapshot_every")]
    public int SnapshotEvery { get; set; } = 1000;

    [ConfigurationKeyName("sqlite")]
    public SqlitePersistenceOptions Sqlite { get; init; } = new();

    [ConfigurationKeyName("postgresql")]
    public PostgresqlPersistenceOptions Postgresql { get; init; } = new();
}

public sealed class SqlitePersistenceOptions
{
    /// <summary>The database file; a relative path is relative to <c>node.data_dir</c>.</summary>
    [ConfigurationKeyName("path")]
    public string Path { get; set; } = "broker.db";

    /// <summary>The file's absolute path, given the node's data directory.</summary>
    public string ResolvePath(NodeOptions node) =>
        System.IO.Path.GetFullPath(System.IO.Path.Combine(System.IO.Path.GetFullPath(node.DataDir), Path));
}

public sealed class PostgresqlPersistenceOptions
{
    /// <summary>An Npgsql connection string; required when the backend is postgresql.</summary>
    [ConfigurationKeyName("connection_string")]
    public string ConnectionString { get; set; } = "";
}
