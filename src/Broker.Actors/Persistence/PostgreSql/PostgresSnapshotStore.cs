using Npgsql;
using NpgsqlTypes;

namespace Broker.Actors.Persistence.PostgreSql;

/// <summary>Snapshots in PostgreSQL, beside the journal.</summary>
public sealed class PostgresSnapshotStore : ISnapshotStore
{
    private readonly PostgresDatabase _database;
    private readonly string _save;
    private readonly string _load;
    private readonly string _delete;
    private int _disposed;

    public PostgresSnapshotStore(PostgresDatabase database)
    {
        _database = database ?? throw new ArgumentNullException(nameof(database));
        var schema = database.Schema;
        _save = $"""
            INSERT INTO {schema}.snapshots (persistence_id, sequence_nr, created_at, manifest, payload) VALUES (@id, @nr, @at, @manifest, @payload)
            ON CONFLICT (persistence_id, sequence_nr) DO UPDATE SET created_at = excluded.created_at, manifest = excluded.manifest, payload = excluded.payload
            """;
        const string Where = "persistence_id = @id AND sequence_nr >= @min AND sequence_nr <= @max AND created_at <= @maxAt";
        _load = $"SELECT sequence_nr, created_at, manifest, payload FROM {schema}.snapshots WHERE {Where} ORDER BY sequence_nr DESC LIMIT 1";
        _delete = $"DELETE FROM {schema}.snapshots WHERE {Where}";
    }

    public async Task SaveAsync(StoredSnapshot snapshot, CancellationToken cancellationToken = default)
    {
        ThrowIfDisposed();
        await using var command = _database.DataSource.CreateCommand(_save);
        command.Parameters.AddWithValue("id", snapshot.Metadata.PersistenceId);
        command.Parameters.AddWithValue("nr", snapshot.Metadata.SequenceNr);
        command.Parameters.AddWithValue("at", snapshot.Metadata.Timestamp.ToUnixTimeMilliseconds());
        command.Parameters.AddWithValue("manifest", snapshot.Manifest);
        command.Parameters.AddWithValue("payload", snapshot.Payload);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task<StoredSnapshot?> LoadAsync(string persistenceId, SnapshotSelectionCriteria criteria, CancellationToken cancellationToken = default)
    {
        ThrowIfDisposed();
        await using var command = _database.DataSource.CreateCommand(_load);
        criteria.AddParameters(command, "", persistenceId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            return null;
        }

        var metadata = new SnapshotMetadata(persistenceId, reader.GetInt64(0), DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(1)));
        return new StoredSnapshot(metadata, reader.GetString(2), reader.GetFieldValue<byte[]>(3));
    }

    public async Task DeleteAsync(string persistenceId, SnapshotSelectionCriteria criteria, CancellationToken cancellationToken = default)
    {
        ThrowIfDisposed();
        await using var command = _database.DataSource.CreateCommand(_delete);
        criteria.AddParameters(command, "", persistenceId);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task DeleteAllAsync(IReadOnlyList<string> persistenceIds, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(persistenceIds);
        ThrowIfDisposed();
        await using var command = _database.DataSource.CreateCommand($"DELETE FROM {_database.Schema}.snapshots WHERE persistence_id = ANY(@ids)");
        command.Parameters.Add(new NpgsqlParameter<string[]>("ids", NpgsqlDbType.Array | NpgsqlDbType.Text) { TypedValue = [.. persistenceIds] });
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    public Task<IReadOnlyList<string>> ReadPersistenceIdsAsync(string prefix, CancellationToken cancellationToken = default)
    {
        ThrowIfDisposed();
        return _database.ReadPersistenceIdsAsync("snapshots", prefix, cancellationToken);
    }

    private void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);

    public ValueTask DisposeAsync()
    {
        Volatile.Write(ref _disposed, 1);
        return ValueTask.CompletedTask;
    }
}
