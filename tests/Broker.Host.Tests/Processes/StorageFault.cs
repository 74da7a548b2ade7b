using Broker.Tests;
using Microsoft.Data.Sqlite;

namespace Broker.Host.Tests.Processes;

/// <summary>
/// Storage taken away from a running broker and given back, from a connection of the test's own: the broker
/// sees what a lost disk or server looks like to it (every read and write fails) and nothing else changes.
/// </summary>
internal abstract class StorageFault
{
    // Every table the broker reads or writes: recovery reads snapshots and the journal, retained messages live in durable_state.
    private static readonly string[] Tables = ["journal", "journal_metadata", "snapshots", "durable_state"];

    /// <summary>From now on every read and write of the broker's storage fails.</summary>
    public abstract Task BreakAsync();

    /// <summary>The storage is back as it was.</summary>
    public abstract Task RestoreAsync();

    /// <summary>The broker's tables renamed away (a statement on them fails: no such table) and back.</summary>
    public static StorageFault TablesRenamed(BrokerProcess broker) => broker.Database is { } database
        ? new PostgresTablesRenamed(database)
        : new SqliteTablesRenamed(Path.Combine(broker.DataDirectory, "broker.db"));

    /// <summary>The server refuses the broker's database and ends its open connections: a server gone away, then back.</summary>
    public static StorageFault ConnectionsRefused(BrokerProcess broker) =>
        new PostgresConnectionsRefused(broker.Database ?? throw new InvalidOperationException("Connections can be refused on PostgreSQL only."));

    private static string Renames(bool away) => string.Concat(Tables.Select(t => away
        ? $"ALTER TABLE {t} RENAME TO {t}_lost; "
        : $"ALTER TABLE {t}_lost RENAME TO {t}; "));

    private sealed class PostgresTablesRenamed(PostgresBrokerDatabase database) : StorageFault
    {
        // One transaction: the broker never sees some tables gone and others there.
        public override Task BreakAsync() => database.ExecuteInDatabaseAsync($"BEGIN; {Renames(away: true)} COMMIT;");

        public override Task RestoreAsync() => database.ExecuteInDatabaseAsync($"BEGIN; {Renames(away: false)} COMMIT;");
    }

    private sealed class PostgresConnectionsRefused(PostgresBrokerDatabase database) : StorageFault
    {
        public override async Task BreakAsync()
        {
            await database.ExecuteOnServerAsync($"ALTER DATABASE \"{database.Name}\" ALLOW_CONNECTIONS false");
            await database.ExecuteOnServerAsync(
                $"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{database.Name}' AND pid <> pg_backend_pid()");
        }

        public override Task RestoreAsync() => database.ExecuteOnServerAsync($"ALTER DATABASE \"{database.Name}\" ALLOW_CONNECTIONS true");
    }

    /// <summary>
    /// SQLite has no server to stop, and the file cannot be taken from under an open connection; renaming the
    /// tables in one transaction (WAL mode lets it in between the broker's commits) fails every statement that
    /// names them, on the broker's open connections too: SQLite checks the schema on every statement.
    /// </summary>
    private sealed class SqliteTablesRenamed(string path) : StorageFault
    {
        public override Task BreakAsync() => ExecuteAsync($"BEGIN IMMEDIATE; {Renames(away: true)} COMMIT;");

        public override Task RestoreAsync() => ExecuteAsync($"BEGIN IMMEDIATE; {Renames(away: false)} COMMIT;");

        private async Task ExecuteAsync(string sql)
        {
            var connectionString = new SqliteConnectionStringBuilder
            {
                DataSource = path,
                Mode = SqliteOpenMode.ReadWrite,
                Pooling = false,
                DefaultTimeout = 10,
            }.ToString();
            await using var connection = new SqliteConnection(connectionString);
            await connection.OpenAsync();
            await using var command = connection.CreateCommand();
            command.CommandText = "PRAGMA busy_timeout = 10000; " + sql;
            await command.ExecuteNonQueryAsync();
        }
    }
}
