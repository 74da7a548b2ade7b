using System.Runtime.CompilerServices;
using Microsoft.Data.Sqlite;

namespace Broker.Actors.Persistence.Sqlite;

/// <summary>
/// Durable state in the SQLite file, beside the journal. Like <see cref="SqliteJournal"/>, writes are
/// group-committed by one loop on one connection of its own; loads take pooled connections and, in WAL
/// mode, run beside the writer.
/// </summary>
public sealed class SqliteDurableStateStore : IDurableStateStore
{
    private readonly SqliteDatabase _database;
    private readonly GroupCommitWriter<DurableStateWrite> _writer;
    private readonly SqliteCommitConnection _commits;
    private int _disposed;

    public SqliteDurableStateStore(SqliteDatabase database, DurableStateOptions? options = null)
    {
        _database = database ?? throw new ArgumentNullException(nameof(database));
        _commits = new SqliteCommitConnection(database);
        options ??= DurableStateOptions.Default;
        // A failed commit is the database's failure (no write can be refused on its own): retrying each
        // write alone would only fail each of them again.
        _writer = new GroupCommitWriter<DurableStateWrite>(
            Commit, _ => 1, options.MaxWritesPerCommit, retryOneByOne: false, options.CommitInterval, options.TimeProvider);
    }

    public DurableStateStatistics Statistics =>
        _writer.Statistics is var s ? new DurableStateStatistics(s.Commits, s.Writes, s.FailedCommits) : default;

    public Task UpsertAsync(string kind, string key, string manifest, byte[] payload)
    {
        ArgumentException.ThrowIfNullOrEmpty(kind);
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(manifest);
        ArgumentNullException.ThrowIfNull(payload);
        return _writer.WriteAsync(new DurableStateWrite(kind, key, manifest, payload));
    }

    public Task DeleteAsync(string kind, string key)
    {
        ArgumentException.ThrowIfNullOrEmpty(kind);
        ArgumentNullException.ThrowIfNull(key);
        return _writer.WriteAsync(new DurableStateWrite(kind, key, null, null));
    }

    /// <summary>Runs on the writer loop only, one call at a time.</summary>
    private Task Commit(IReadOnlyList<DurableStateWrite> writes, CancellationToken cancellationToken)
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

    public async IAsyncEnumerable<DurableStateEntry> LoadAllAsync(string kind, [EnumeratorCancellation] CancellationToken cancellationToken = default)
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
