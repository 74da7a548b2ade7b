namespace Broker.Actors.Persistence.Sqlite;

/// <summary>Snapshots in the SQLite file, beside the journal; each call on its own pooled connection.</summary>
public sealed class SqliteSnapshotStore(SqliteDatabase database) : ISnapshotStore
{
    private int _disposed;

    public Task SaveAsync(StoredSnapshot snapshot, CancellationToken cancellationToken = default)
    {
        ThrowIfDisposed();
        using var turn = database.EnterWrite();
        using var connection = database.OpenConnection();
        using var insert = connection.CreateCommand();
        insert.CommandText = """
            INSERT INTO snapshots (persistence_id, sequence_nr, created_at, manifest, payload) VALUES ($id, $nr, $at, $manifest, $payload)
            ON CONFLICT (persistence_id, sequence_nr) DO UPDATE SET created_at = excluded.created_at, manifest = excluded.manifest, payload = excluded.payload
            """;
        insert.Parameters.AddWithValue("$id", snapshot.Metadata.PersistenceId);
        insert.Parameters.AddWithValue("$nr", snapshot.Metadata.SequenceNr);
        insert.Parameters.AddWithValue("$at", snapshot.Metadata.Timestamp.ToUnixTimeMilliseconds());
        insert.Parameters.AddWithValue("$manifest", snapshot.Manifest);
        insert.Parameters.AddWithValue("$payload", snapshot.Payload);
        insert.ExecuteNonQuery();
        return Task.CompletedTask;
    }

    public Task<StoredSnapshot?> LoadAsync(string persistenceId, SnapshotSelectionCriteria criteria, CancellationToken cancellationToken = default)
    {
        ThrowIfDisposed();
        using var connection = database.OpenConnection();
        using var select = connection.CreateCommand();
        select.CommandText = """
            SELECT sequence_nr, created_at, manifest, payload FROM snapshots
            WHERE persistence_id = $id AND sequence_nr >= $min AND sequence_nr <= $max AND created_at <= $maxAt
            ORDER BY sequence_nr DESC LIMIT 1
            """;
        criteria.AddParameters(select, "$", persistenceId);
        using var reader = select.ExecuteReader();
        if (!reader.Read())
        {
            return Task.FromResult<StoredSnapshot?>(null);
        }

        var metadata = new SnapshotMetadata(persistenceId, reader.GetInt64(0), DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(1)));
        return Task.FromResult<StoredSnapshot?>(new StoredSnapshot(metadata, reader.GetString(2), (byte[])reader.GetValue(3)));
    }

    public Task DeleteAsync(string persistenceId, SnapshotSelectionCriteria criteria, CancellationToken cancellationToken = default)
    {
        ThrowIfDisposed();
        using var turn = database.EnterWrite();
        using var connection = database.OpenConnection();
        using var delete = connection.CreateCommand();
        delete.CommandText = """
            DELETE FROM snapshots
            WHERE persistence_id = $id AND sequence_nr >= $min AND sequence_nr <= $max AND created_at <= $maxAt
            """;
        criteria.AddParameters(delete, "$", persistenceId);
        delete.ExecuteNonQuery();
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<string>> ReadPersistenceIdsAsync(string prefix, CancellationToken cancellationToken = default)
    {
        ThrowIfDisposed();
        using var connection = database.OpenConnection();
        return Task.FromResult(SqliteDatabase.ReadPersistenceIds(connection, "snapshots", prefix));
    }

    private void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);

    public ValueTask DisposeAsync()
    {
        Volatile.Write(ref _disposed, 1);
        return ValueTask.CompletedTask;
    }
}
