namespace Broker.Host.Options;

/// <summary><c>persistence.backend</c>: where the event journal and snapshots are stored.</summary>
public enum PersistenceBackend
{
    /// <summary>An embedded SQLite file under the node's data directory: nothing to install.</summary>
    Sqlite,

    /// <summary>A PostgreSQL server, for clusters: <c>persistence.postgresql.connection_string</c>.</summary>
    Postgresql,
}
