using System.Runtime.CompilerServices;
using Microsoft.Data.Sqlite;

namespace Broker.Actors.Persistence.Sqlite;

/// <summary>
/// Durable state in the SQLite file, beside the journal. Like <see cref="SqliteJournal"/>, writes are
/// group-committed by one loop on one connection of its own; loads take pooled connections and, in WAL
/// mode, run beside the writer.
/// </summary>
public sealed class SqliteDurableStateStore : GroupCommittedStateStore
{
    private readonly SqliteDatabase _database;
    private readonly SqliteCommitConnection _commits;

    public SqliteDurableStateStore(SqliteDatabase database, DurableStateOptions? options = null)
        : base(options)
    {
        _database = database ?? throw new ArgumentNullException(nameof(database));
        _commits = new SqliteCommitConnection(database);
    }

    private protected override Task CommitAsync(IReadOnlyList<DurableStateWrite> writes, CancellationToken cancellationToken)
    {
        _commits.Commit((connection, transaction) =>
        {
            using var upsert = connection.CreateCommand();
            upsert.Transaction = transaction;
            upsert.CommandText = """
                INSERT INTO durable_state (kind, key, manifest, payload, updated_at) VALUES ($kind, $key, $manifest, $payload, $at)
                ON CONFLICT (kind, key) DO UPDATE SET manifest = excluded.manifest, payload = excluded.payload, updated_at = excluded.updated_at
                """;
            var kind = upsert.Parameters.Add("$kind", SqliteType.Text);
            var key = upsert.Parameters.Add("$key", SqliteType.Text);
            var manifest = upsert.Parameters.Add("$manifest", SqliteType.Text);
            var payload = upsert.Parameters.Add("$payload", SqliteType.Blob);
            upsert.Parameters.AddWithValue("$at", DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
            using var delete = connection.CreateCommand();
            delete.Transaction = transaction;
            delete.CommandText = "DELETE FROM durable_state WHERE kind = $kind AND key = $key";
            var deleteKind = delete.Parameters.Add("$kind", SqliteType.Text);
            var deleteKey = delete.Parameters.Add("$key", SqliteType.Text);
            foreach (var write in DurableStateWrite.LastPerKey(writes))
            {
                if (write.IsDelete)
                {
                    deleteKind.Value = write.Kind;
                    deleteKey.Value = write.Key;
                    delete.ExecuteNonQuery();
                }
                else
                {
                    kind.Value = write.Kind;
                    key.Value = write.Key;
                    manifest.Value = write.Manifest;
                    payload.Value = write.Payload;
                    upsert.ExecuteNonQuery();
                }
            }
        });
        return Task.CompletedTask;
    }

    public override async IAsyncEnumerable<DurableStateEntry> LoadAllAsync(string kind, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(kind);
        ThrowIfDisposed();

        // Microsoft.Data.Sqlite reads synchronously (a local file): the iterator is asynchronous for the interface only.
        await Task.CompletedTask.ConfigureAwait(false);
        using var connection = _database.OpenConnection();
        using var select = connection.CreateCommand();
        select.CommandText = "SELECT key, manifest, payload FROM durable_state WHERE kind = $kind";
        select.Parameters.AddWithValue("$kind", kind);
        using var reader = select.ExecuteReader();
        while (reader.Read())
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return new DurableStateEntry(kind, reader.GetString(0), reader.GetString(1), (byte[])reader.GetValue(2));
        }
    }

    /// <summary>The write connection closes after the last commit.</summary>
    protected override void OnDisposed() => _commits.Dispose();
}
