using Microsoft.Data.Sqlite;

namespace Broker.Actors.Persistence.Sqlite;

/// <summary>
/// The journal in a SQLite file. Writes are group-committed by one loop on one connection (SQLite has a
/// single writer anyway, so one connection loses nothing and saves the lock hand-offs); reads take pooled
/// connections and, in WAL mode, run beside the writer.
/// </summary>
public sealed class SqliteJournal : IJournal
{
    private readonly SqliteDatabase _database;
    private readonly GroupCommitWriter<AtomicWrite> _writer;
    private readonly SqliteCommitConnection _commits;
    private int _disposed;

    public SqliteJournal(SqliteDatabase database)
    {
        _database = database ?? throw new ArgumentNullException(nameof(database));
        _commits = new SqliteCommitConnection(database);
        _writer = new GroupCommitWriter<AtomicWrite>(
            Commit, write => write.Entries.Count, database.Options.MaxEventsPerCommit, commitInterval: database.Options.CommitInterval);
    }

    public JournalStatistics Statistics => _writer.Statistics;

    public Task WriteAsync(AtomicWrite write, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(write);
        return _writer.WriteAsync(write);
    }

    /// <summary>Runs on the writer loop only, one call at a time.</summary>
    private Task Commit(IReadOnlyList<AtomicWrite> writes, CancellationToken cancellationToken)
    {
        _commits.Commit((connection, transaction) =>
        {
            using var insert = connection.CreateCommand();
            insert.Transaction = transaction;
            insert.CommandText = "INSERT INTO journal (persistence_id, sequence_nr, manifest, payload, written_at) VALUES ($id, $nr, $manifest, $payload, $at)";
            var id = insert.Parameters.Add("$id", SqliteType.Text);
            var nr = insert.Parameters.Add("$nr", SqliteType.Integer);
            var manifest = insert.Parameters.Add("$manifest", SqliteType.Text);
            var payload = insert.Parameters.Add("$payload", SqliteType.Blob);
            insert.Parameters.AddWithValue("$at", DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
            insert.Prepare();
            foreach (var write in writes)
            {
                foreach (var entry in write.Entries)
                {
                    id.Value = entry.PersistenceId;
                    nr.Value = entry.SequenceNr;
                    manifest.Value = entry.Manifest;
                    payload.Value = entry.Payload;
                    insert.ExecuteNonQuery();
                }
            }
        });
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<JournalEntry>> ReplayAsync(
        string persistenceId, long fromSequenceNr, long toSequenceNr, int max, CancellationToken cancellationToken = default)
    {
        ThrowIfDisposed();
        var entries = new List<JournalEntry>();
        if (max <= 0 || fromSequenceNr > toSequenceNr)
        {
            return Task.FromResult<IReadOnlyList<JournalEntry>>(entries);
        }

        using var connection = _database.OpenConnection();
        using var select = connection.CreateCommand();
        select.CommandText = """
            SELECT sequence_nr, manifest, payload FROM journal
            WHERE persistence_id = $id AND sequence_nr >= $from AND sequence_nr <= $to
            ORDER BY sequence_nr LIMIT $max
            """;
        select.Parameters.AddWithValue("$id", persistenceId);
        select.Parameters.AddWithValue("$from", fromSequenceNr);
        select.Parameters.AddWithValue("$to", toSequenceNr);
        select.Parameters.AddWithValue("$max", max);
        using var reader = select.ExecuteReader();
        while (reader.Read())
        {
            entries.Add(new JournalEntry(persistenceId, reader.GetInt64(0), reader.GetString(1), (byte[])reader.GetValue(2)));
        }

        return Task.FromResult<IReadOnlyList<JournalEntry>>(entries);
    }

    public Task<long> ReadHighestSequenceNrAsync(string persistenceId, CancellationToken cancellationToken = default)
    {
        ThrowIfDisposed();
        using var connection = _database.OpenConnection();
        return Task.FromResult(ReadHighest(connection, null, persistenceId));
    }

    private static long ReadHighest(SqliteConnection connection, SqliteTransaction? transaction, string persistenceId)
    {
        using var select = connection.CreateCommand();
        select.Transaction = transaction;
        select.CommandText = """
            SELECT max(
                coalesce((SELECT max(sequence_nr) FROM journal WHERE persistence_id = $id), 0),
                coalesce((SELECT deleted_to FROM journal_metadata WHERE persistence_id = $id), 0))
            """;
        select.Parameters.AddWithValue("$id", persistenceId);
        return (long)select.ExecuteScalar()!;
    }

    public Task DeleteMessagesToAsync(string persistenceId, long toSequenceNr, CancellationToken cancellationToken = default)
    {
        ThrowIfDisposed();
        using var turn = _database.EnterWrite();
        using var connection = _database.OpenConnection();
        // IMMEDIATE takes the write lock at once: the highest number read below cannot change before the delete.
        using var transaction = connection.BeginTransaction(deferred: false);
        var deletedTo = Math.Min(toSequenceNr, ReadHighest(connection, transaction, persistenceId));
        using var delete = connection.CreateCommand();
        delete.Transaction = transaction;
        delete.CommandText = """
            DELETE FROM journal WHERE persistence_id = $id AND sequence_nr <= $to;
            INSERT INTO journal_metadata (persistence_id, deleted_to) VALUES ($id, $to)
            ON CONFLICT (persistence_id) DO UPDATE SET deleted_to = max(deleted_to, excluded.deleted_to);
            """;
        delete.Parameters.AddWithValue("$id", persistenceId);
        delete.Parameters.AddWithValue("$to", deletedTo);
        delete.ExecuteNonQuery();
        transaction.Commit();
        return Task.CompletedTask;
    }

    public Task PurgeAsync(string persistenceId, CancellationToken cancellationToken = default)
    {
        ThrowIfDisposed();
        using var turn = _database.EnterWrite();
        using var connection = _database.OpenConnection();
        using var transaction = connection.BeginTransaction(deferred: false);
        using var delete = connection.CreateCommand();
        delete.Transaction = transaction;
        delete.CommandText = """
            DELETE FROM journal WHERE persistence_id = $id;
            DELETE FROM journal_metadata WHERE persistence_id = $id;
            """;
        delete.Parameters.AddWithValue("$id", persistenceId);
        delete.ExecuteNonQuery();
        transaction.Commit();
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<string>> ReadPersistenceIdsAsync(string prefix, CancellationToken cancellationToken = default)
    {
        ThrowIfDisposed();
        using var connection = _database.OpenConnection();
        return Task.FromResult(SqliteDatabase.ReadPersistenceIds(connection, "journal", prefix));
    }

    private void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);

    /// <summary>Commits what was written before, then closes the write connection.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _writer.DisposeAsync().ConfigureAwait(false);
        _commits.Dispose();
    }
}
