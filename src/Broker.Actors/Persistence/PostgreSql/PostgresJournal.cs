using Npgsql;
using NpgsqlTypes;

namespace Broker.Actors.Persistence.PostgreSql;

/// <summary>
/// The journal in PostgreSQL. A group commit is one round trip: one INSERT over arrays of every pending
/// event (<c>unnest</c>), in one transaction, so its cost barely grows with the number of events.
/// </summary>
public sealed class PostgresJournal : GroupCommittedJournal
{
    private readonly PostgresDatabase _database;
    private readonly string _insert;
    private readonly string _replay;
    private readonly string _highest;
    private readonly string _delete;

    public PostgresJournal(PostgresDatabase database)
        : base((database ?? throw new ArgumentNullException(nameof(database))).Options.MaxEventsPerCommit, database.Options.CommitInterval)
    {
        _database = database;
        var schema = database.Schema;
        _insert = $"""
            INSERT INTO {schema}.journal (persistence_id, sequence_nr, manifest, payload)
            SELECT * FROM unnest(@ids, @nrs, @manifests, @payloads)
            """;
        _replay = $"""
            SELECT sequence_nr, manifest, payload FROM {schema}.journal
            WHERE persistence_id = @id AND sequence_nr >= @from AND sequence_nr <= @to
            ORDER BY sequence_nr LIMIT @max
            """;
        _highest = $"""
            SELECT GREATEST(
                COALESCE((SELECT max(sequence_nr) FROM {schema}.journal WHERE persistence_id = @id), 0),
                COALESCE((SELECT deleted_to FROM {schema}.journal_metadata WHERE persistence_id = @id), 0))
            """;
        // One statement: the highest number is read and the rows deleted in the same snapshot of the table.
        _delete = $"""
            WITH highest AS (
                SELECT LEAST(@to, GREATEST(
                    COALESCE((SELECT max(sequence_nr) FROM {schema}.journal WHERE persistence_id = @id), 0),
                    COALESCE((SELECT deleted_to FROM {schema}.journal_metadata WHERE persistence_id = @id), 0))) AS nr),
            deleted AS (DELETE FROM {schema}.journal WHERE persistence_id = @id AND sequence_nr <= @to)
            INSERT INTO {schema}.journal_metadata (persistence_id, deleted_to) SELECT @id, nr FROM highest
            ON CONFLICT (persistence_id) DO UPDATE SET deleted_to = GREATEST({schema}.journal_metadata.deleted_to, excluded.deleted_to)
            """;
    }

    private protected override async Task CommitAsync(IReadOnlyList<AtomicWrite> writes, CancellationToken cancellationToken)
    {
        var count = writes.Sum(w => w.Entries.Count);
        var ids = new string[count];
        var nrs = new long[count];
        var manifests = new string[count];
        var payloads = new byte[count][];
        var i = 0;
        foreach (var write in writes)
        {
            foreach (var entry in write.Entries)
            {
                ids[i] = entry.PersistenceId;
                nrs[i] = entry.SequenceNr;
                manifests[i] = entry.Manifest;
                payloads[i] = entry.Payload;
                i++;
            }
        }

        // A single statement is a transaction of its own: all the rows or none.
        await using var command = _database.DataSource.CreateCommand(_insert);
        command.Parameters.Add(new NpgsqlParameter<string[]>("ids", NpgsqlDbType.Array | NpgsqlDbType.Text) { TypedValue = ids });
        command.Parameters.Add(new NpgsqlParameter<long[]>("nrs", NpgsqlDbType.Array | NpgsqlDbType.Bigint) { TypedValue = nrs });
        command.Parameters.Add(new NpgsqlParameter<string[]>("manifests", NpgsqlDbType.Array | NpgsqlDbType.Text) { TypedValue = manifests });
        command.Parameters.Add(new NpgsqlParameter<byte[][]>("payloads", NpgsqlDbType.Array | NpgsqlDbType.Bytea) { TypedValue = payloads });
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private protected override async Task<IReadOnlyList<JournalEntry>> ReadEventsAsync(
        string persistenceId, long fromSequenceNr, long toSequenceNr, int max, CancellationToken cancellationToken)
    {
        var entries = new List<JournalEntry>();
        await using var command = _database.DataSource.CreateCommand(_replay);
        command.Parameters.AddWithValue("id", persistenceId);
        command.Parameters.AddWithValue("from", fromSequenceNr);
        command.Parameters.AddWithValue("to", toSequenceNr);
        command.Parameters.AddWithValue("max", (long)max);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            entries.Add(new JournalEntry(persistenceId, reader.GetInt64(0), reader.GetString(1), reader.GetFieldValue<byte[]>(2)));
        }

        return entries;
    }

    public override async Task<long> ReadHighestSequenceNrAsync(string persistenceId, CancellationToken cancellationToken = default)
    {
        ThrowIfDisposed();
        await using var command = _database.DataSource.CreateCommand(_highest);
        command.Parameters.AddWithValue("id", persistenceId);
        return (long)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
    }

    public override async Task DeleteMessagesToAsync(string persistenceId, long toSequenceNr, CancellationToken cancellationToken = default)
    {
        ThrowIfDisposed();
        await using var command = _database.DataSource.CreateCommand(_delete);
        command.Parameters.AddWithValue("id", persistenceId);
        command.Parameters.AddWithValue("to", toSequenceNr);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    public override async Task PurgeAsync(string persistenceId, CancellationToken cancellationToken = default)
    {
        ThrowIfDisposed();
        await using var command = _database.DataSource.CreateCommand(
            $"DELETE FROM {_database.Schema}.journal WHERE persistence_id = @id; DELETE FROM {_database.Schema}.journal_metadata WHERE persistence_id = @id");
        command.Parameters.AddWithValue("id", persistenceId);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    public override async Task PurgeAllAsync(IReadOnlyList<string> persistenceIds, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(persistenceIds);
        ThrowIfDisposed();
        await using var command = _database.DataSource.CreateCommand(
            $"DELETE FROM {_database.Schema}.journal WHERE persistence_id = ANY(@ids); DELETE FROM {_database.Schema}.journal_metadata WHERE persistence_id = ANY(@ids)");
        command.Parameters.Add(new NpgsqlParameter<string[]>("ids", NpgsqlDbType.Array | NpgsqlDbType.Text) { TypedValue = [.. persistenceIds] });
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    public override Task<IReadOnlyList<string>> ReadPersistenceIdsAsync(string prefix, CancellationToken cancellationToken = default)
    {
        ThrowIfDisposed();
        return _database.ReadPersistenceIdsAsync("journal", prefix, cancellationToken);
    }
}
