using Microsoft.Data.Sqlite;

namespace Broker.Actors.Persistence.Sqlite;

/// <summary>
/// One SQLite database file holding the journal, the snapshots and the durable state: created with its folder when missing,
/// in WAL mode (readers do not block the writer, and a commit appends to the log instead of rewriting
/// pages). Journal writes go through one connection owned by the journal's group-commit loop; reads and
/// snapshot writes take pooled connections.
/// </summary>
public sealed class SqliteDatabase : IAsyncDisposable
{
    private const string Schema = """
        CREATE TABLE IF NOT EXISTS journal (
            persistence_id TEXT NOT NULL,
            sequence_nr INTEGER NOT NULL,
            manifest TEXT NOT NULL,
            payload BLOB NOT NULL,
            written_at INTEGER NOT NULL,
            PRIMARY KEY (persistence_id, sequence_nr)
        ) WITHOUT ROWID;
        CREATE TABLE IF NOT EXISTS journal_metadata (
            persistence_id TEXT NOT NULL PRIMARY KEY,
            deleted_to INTEGER NOT NULL
        ) WITHOUT ROWID;
        CREATE TABLE IF NOT EXISTS snapshots (
            persistence_id TEXT NOT NULL,
            sequence_nr INTEGER NOT NULL,
            created_at INTEGER NOT NULL,
            manifest TEXT NOT NULL,
            payload BLOB NOT NULL,
            PRIMARY KEY (persistence_id, sequence_nr)
        ) WITHOUT ROWID;
        -- A rowid table, unlike the others: a value (a retained payload) may be large, which WITHOUT ROWID handles badly.
        CREATE TABLE IF NOT EXISTS durable_state (
            kind TEXT NOT NULL,
            key TEXT NOT NULL,
            manifest TEXT NOT NULL,
            payload BLOB NOT NULL,
            updated_at INTEGER NOT NULL,
            PRIMARY KEY (kind, key)
        );
        """;

    private readonly string _connectionString;
    private readonly string _pragmas;

    private SqliteDatabase(SqliteStoreOptions options, string path)
    {
        Options = options;
        Path = path;
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Cache = SqliteCacheMode.Private,
            Pooling = true,
            DefaultTimeout = (int)Math.Ceiling(options.BusyTimeout.TotalSeconds),
        }.ToString();
        // synchronous and busy_timeout are settings of the connection, not of the file: every open sets them.
        var synchronous = options.Synchronous == SqliteSynchronous.Full ? "FULL" : "NORMAL";
        _pragmas = $"PRAGMA synchronous = {synchronous}; PRAGMA busy_timeout = {(int)options.BusyTimeout.TotalMilliseconds};";
    }

    public SqliteStoreOptions Options { get; }

    /// <summary>The database file, as an absolute path.</summary>
    public string Path { get; }

    /// <summary>The distinct ids of <paramref name="table"/> (a name of this schema, never input) that start with <paramref name="prefix"/>.</summary>
    internal static IReadOnlyList<string> ReadPersistenceIds(SqliteConnection connection, string table, string prefix)
    {
        using var select = connection.CreateCommand();
        select.CommandText = $"SELECT DISTINCT persistence_id FROM {table} WHERE substr(persistence_id, 1, $length) = $prefix";
        select.Parameters.AddWithValue("$length", prefix.Length);
        select.Parameters.AddWithValue("$prefix", prefix);
        var ids = new List<string>();
        using var reader = select.ExecuteReader();
        while (reader.Read())
        {
            ids.Add(reader.GetString(0));
        }

        return ids;
    }

    /// <summary>Opens (creating when missing) the database file and its tables; throws if it cannot be written.</summary>
    public static SqliteDatabase Open(SqliteStoreOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var path = System.IO.Path.GetFullPath(options.Path);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path)!);
        var database = new SqliteDatabase(options, path);
        using var connection = database.OpenConnection();
        using var command = connection.CreateCommand();
        // WAL is a property of the file: set once, every later connection uses it.
        command.CommandText = "PRAGMA journal_mode = WAL;" + Schema;
        command.ExecuteNonQuery();
        return database;
    }

    // SQLite lets one connection write at a time, and one that finds the file locked sleeps in its busy handler
    // (1 ms, growing to 100 ms a try) however soon the lock is free. With the journal committing back to back, a
    // snapshot or a deletion on another connection put the commit loop to sleep, or slept itself, for tens of ms
    // a commit: every writer of this process takes its turn here instead, in order, and is woken at once.
    private readonly SemaphoreSlim _writeTurn = new(1, 1);

    /// <summary>Held for each write transaction (dispose to release): writers queue here rather than in SQLite's busy handler.</summary>
    internal WriteTurn EnterWrite()
    {
        _writeTurn.Wait();
        return new WriteTurn(_writeTurn);
    }

    internal readonly struct WriteTurn(SemaphoreSlim turn) : IDisposable
    {
        public void Dispose() => turn.Release();
    }

    internal SqliteConnection OpenConnection()
    {
        var connection = new SqliteConnection(_connectionString);
        try
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = _pragmas;
            command.ExecuteNonQuery();
            return connection;
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Checks that the file can be written, not only read: a row is inserted and rolled back. Opening alone
    /// does not tell, since a read-only file whose tables exist opens and answers queries.
    /// </summary>
    public Task ProbeWriteAsync(CancellationToken cancellationToken = default)
    {
        using var turn = EnterWrite();
        using var connection = OpenConnection();
        using var transaction = connection.BeginTransaction();
        using var insert = connection.CreateCommand();
        insert.Transaction = transaction;
        insert.CommandText = "INSERT INTO journal_metadata (persistence_id, deleted_to) VALUES ('$write-probe', 0) ON CONFLICT (persistence_id) DO NOTHING";
        insert.ExecuteNonQuery();
        transaction.Rollback();
        return Task.CompletedTask;
    }

    /// <summary>Releases the pooled connections, so that the file can be moved or deleted.</summary>
    public ValueTask DisposeAsync()
    {
        using (var connection = new SqliteConnection(_connectionString))
        {
            SqliteConnection.ClearPool(connection);
        }

        return ValueTask.CompletedTask;
    }
}
