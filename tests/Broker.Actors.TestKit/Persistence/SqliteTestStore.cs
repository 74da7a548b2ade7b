using Broker.Actors.Persistence;
using Broker.Actors.Persistence.Sqlite;

namespace Broker.Actors.TestKit.Persistence;

/// <summary>A SQLite file in a temporary folder of its own, deleted on dispose.</summary>
public sealed class SqliteTestStore : TestStore
{
    private SqliteDatabase? _database;

    private SqliteTestStore(string directory, SqliteSynchronous synchronous)
    {
        Directory = directory;
        Options = new SqliteStoreOptions(Path.Combine(directory, "data", "broker.db")) { Synchronous = synchronous, BusyTimeout = TimeSpan.FromSeconds(2) };
    }

    public string Directory { get; }

    public SqliteStoreOptions Options { get; }

    public static async Task<SqliteTestStore> CreateAsync(SqliteSynchronous synchronous = SqliteSynchronous.Full)
    {
        var directory = Path.Combine(Path.GetTempPath(), "broker-persistence-" + Guid.NewGuid().ToString("N"));
        var store = new SqliteTestStore(directory, synchronous);
        await store.OpenStoresAsync().ConfigureAwait(false);
        return store;
    }

    protected override Task<(IJournal Journal, ISnapshotStore SnapshotStore)> OpenCoreAsync()
    {
        _database = SqliteDatabase.Open(Options);
        return Task.FromResult<(IJournal, ISnapshotStore)>((new SqliteJournal(_database), new SqliteSnapshotStore(_database)));
    }

    /// <summary>Drops the tables from another connection: the stores' statements then fail with "no such table".</summary>
    public override Task BreakAsync()
    {
        using var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={Options.Path};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "DROP TABLE journal; DROP TABLE journal_metadata; DROP TABLE snapshots;";
        command.ExecuteNonQuery();
        return Task.CompletedTask;
    }

    public override async Task RestoreAsync()
    {
        await using var tables = SqliteDatabase.Open(Options);
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
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temporary folder is not worth failing a test for.
        }
    }
}
