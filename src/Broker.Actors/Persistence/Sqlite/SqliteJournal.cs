using Microsoft.Data.Sqlite;

namespace Broker.Actors.Persistence.Sqlite;

/// <summary>
/// The journal in a SQLite file. Writes are group-committed by one loop on one connection (SQLite has a
/// single writer anyway, so one connection loses nothing and saves the lock hand-offs); reads take pooled
/// connections and, in WAL mode, run beside the writer.
/// </summary>
public sealed class SqliteJournal : GroupCommittedJournal
{
    private readonly SqliteDatabase _database;
    private readonly SqliteCommitConnection _commits;

    public SqliteJournal(SqliteDatabase database)
        : base((database ?? throw new ArgumentNullException(nameof(database))).Options.MaxEventsPerCommit, database.Options.CommitInterval)
    {
        _database = database;
        _commits = new SqliteCommitConnection(database);
    }

    private protected override Task CommitAsync(IReadOnlyList<AtomicWrite> writes, CancellationToken cancellationToken)
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

    private protected override Task<IReadOnlyList<JournalEntry>> ReadEventsAsync(
        string persistenceId, long fromSequenceNr, long toSequenceNr, int max, CancellationToken cancellationToken)
    {
        var entries = new List<JournalEntry>();
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

    public override Task<long> ReadHighestSequenceNrAsync(string persistenceId, CancellationToken cancellationToken = default)
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

    public override Task DeleteMessagesToAsync(string persistenceId, long toSequenceNr, CancellationToken cancellationToken = default)
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

    public override Task PurgeAsync(string persistenceId, CancellationToken cancellationToken = default)
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

    public override Task<IReadOnlyList<string>> ReadPersistenceIdsAsync(string prefix, CancellationToken cancellationToken = default)
    {
        ThrowIfDisposed();
        using var connection = _database.OpenConnection();
        return Task.FromResult(SqliteDatabase.ReadPersistenceIds(connection, "journal", prefix));
    }

    /// <summary>The write connection closes after the last commit.</summary>
    protected override void OnDisposed() => _commits.Dispose();
}
