using Broker.Actors.Persistence;
using Broker.Actors.Persistence.PostgreSql;
using Npgsql;

namespace Broker.Actors.TestKit.Persistence;

/// <summary>A schema of its own in the test database (<see cref="PostgresTestDatabase"/>), dropped on dispose: tests run in parallel without seeing each other's rows.</summary>
public sealed class PostgresTestStore : TestStore
{
    private PostgresDatabase? _database;

    private PostgresTestStore(string connectionString)
    {
        Options = new PostgresStoreOptions(connectionString) { Schema = "test_" + Guid.NewGuid().ToString("N") };
    }

    public PostgresStoreOptions Options { get; }

    public static async Task<PostgresTestStore> CreateAsync()
    {
        var store = new PostgresTestStore(PostgresTestDatabase.RequireConnectionString());
        await store.OpenStoresAsync().ConfigureAwait(false);
        return store;
    }

    protected override async Task<(IJournal Journal, ISnapshotStore SnapshotStore)> OpenCoreAsync()
    {
        _database = await PostgresDatabase.OpenAsync(Options).ConfigureAwait(false);
        return (new PostgresJournal(_database), new PostgresSnapshotStore(_database));
    }

    /// <summary>Drops the tables: the stores' statements then fail with "relation does not exist".</summary>
    public override Task BreakAsync() => ExecuteAsync($"DROP TABLE \"{Options.Schema}\".journal, \"{Options.Schema}\".journal_metadata, \"{Options.Schema}\".snapshots");

    public override async Task RestoreAsync()
    {
        await using var tables = await PostgresDatabase.OpenAsync(Options).ConfigureAwait(false);
    }

    protected override async Task CloseAsync()
    {
        await base.CloseAsync().ConfigureAwait(false);
        if (_database is not null)
        {
            await _database.DisposeAsync().ConfigureAwait(false);
            _database = null;
        }
    }

    public override async ValueTask DisposeAsync()
    {
        await CloseAsync().ConfigureAwait(false);
        await ExecuteAsync($"DROP SCHEMA IF EXISTS \"{Options.Schema}\" CASCADE").ConfigureAwait(false);
    }

    private async Task ExecuteAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(Options.ConnectionString);
        await connection.OpenAsync().ConfigureAwait(false);
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync().ConfigureAwait(false);
    }
}
