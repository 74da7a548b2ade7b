using System.Runtime.CompilerServices;
using Npgsql;
using NpgsqlTypes;

namespace Broker.Actors.Persistence.PostgreSql;

/// <summary>
/// Durable state in PostgreSQL, beside the journal. A group commit is one round trip whatever its size:
/// one upsert over arrays of every pending value (<c>unnest</c> with <c>ON CONFLICT DO UPDATE</c>) and one
/// delete over arrays of every pending deletion, sent as one batch, which PostgreSQL runs as one transaction.
/// </summary>
public sealed class PostgresDurableStateStore : GroupCommittedStateStore
{
    private readonly PostgresDatabase _database;
    private readonly string _upsert;
    private readonly string _delete;
    private readonly string _load;

    public PostgresDurableStateStore(PostgresDatabase database, DurableStateOptions? options = null)
        : base(options)
    {
        _database = database ?? throw new ArgumentNullException(nameof(database));
        var schema = database.Schema;
        _upsert = $"""
            INSERT INTO {schema}.durable_state (kind, key, manifest, payload)
            SELECT * FROM unnest(@kinds, @keys, @manifests, @payloads)
            ON CONFLICT (kind, key) DO UPDATE SET manifest = excluded.manifest, payload = excluded.payload, updated_at = now()
            """;
        _delete = $"""
            DELETE FROM {schema}.durable_state AS s USING unnest(@kinds, @keys) AS d(kind, key)
            WHERE s.kind = d.kind AND s.key = d.key
            """;
        _load = $"SELECT key, manifest, payload FROM {schema}.durable_state WHERE kind = @kind";
    }

    private protected override async Task CommitAsync(IReadOnlyList<DurableStateWrite> writes, CancellationToken cancellationToken)
    {
        // One change per key: ON CONFLICT DO UPDATE refuses to touch a row twice in one statement.
        var changes = DurableStateWrite.LastPerKey(writes);
        var upserts = changes.Where(w => !w.IsDelete).ToList();
        var deletes = changes.Where(w => w.IsDelete).ToList();
        await using var batch = _database.DataSource.CreateBatch();
        if (upserts.Count > 0)
        {
            var upsert = new NpgsqlBatchCommand(_upsert);
            upsert.Parameters.Add(TextArray("kinds", upserts.Select(w => w.Kind)));
            upsert.Parameters.Add(TextArray("keys", upserts.Select(w => w.Key)));
            upsert.Parameters.Add(TextArray("manifests", upserts.Select(w => w.Manifest!)));
            upsert.Parameters.Add(new NpgsqlParameter<byte[][]>("payloads", NpgsqlDbType.Array | NpgsqlDbType.Bytea)
            {
                TypedValue = upserts.Select(w => w.Payload!).ToArray(),
            });
            batch.BatchCommands.Add(upsert);
        }

        if (deletes.Count > 0)
        {
            var delete = new NpgsqlBatchCommand(_delete);
            delete.Parameters.Add(TextArray("kinds", deletes.Select(w => w.Kind)));
            delete.Parameters.Add(TextArray("keys", deletes.Select(w => w.Key)));
            batch.BatchCommands.Add(delete);
        }

        // The statements of a batch outside an explicit transaction run in one implicit transaction: all or none.
        await batch.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private static NpgsqlParameter<string[]> TextArray(string name, IEnumerable<string> values) =>
        new(name, NpgsqlDbType.Array | NpgsqlDbType.Text) { TypedValue = values.ToArray() };

    public override async IAsyncEnumerable<DurableStateEntry> LoadAllAsync(string kind, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(kind);
        ThrowIfDisposed();
        await using var command = _database.DataSource.CreateCommand(_load);
        command.Parameters.AddWithValue("kind", kind);
        // Npgsql reads rows off the socket as they are asked for: the result set is never held whole.
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            // ReadAsync checks the token only when it has to wait for the socket, not for rows already buffered.
            cancellationToken.ThrowIfCancellationRequested();
            yield return new DurableStateEntry(kind, reader.GetString(0), reader.GetString(1), reader.GetFieldValue<byte[]>(2));
        }
    }
}
