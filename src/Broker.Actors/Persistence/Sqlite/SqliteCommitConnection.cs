using Microsoft.Data.Sqlite;

namespace Broker.Actors.Persistence.Sqlite;

/// <summary>
/// The connection a group-commit loop (the journal's, the durable state store's) keeps for its transactions:
/// opened on first use, each commit taking the database's write turn; after a failure (a busy database, a dropped
/// table, a full disk) its state is unknown, so it is closed and the next commit opens a fresh one.
/// Used by one loop at a time.
/// </summary>
internal sealed class SqliteCommitConnection(SqliteDatabase database) : IDisposable
{
    private SqliteConnection? _connection;

    /// <summary>Runs <paramref name="write"/> in one transaction and commits it; throws what the database threw.</summary>
    public void Commit(Action<SqliteConnection, SqliteTransaction> write)
    {
        try
        {
            using var turn = database.EnterWrite();
            var connection = _connection ??= database.OpenConnection();
            using var transaction = connection.BeginTransaction();
            write(connection, transaction);
            transaction.Commit();
        }
        catch
        {
            _connection?.Dispose();
            _connection = null;
            throw;
        }
    }

    public void Dispose()
    {
        _connection?.Dispose();
        _connection = null;
    }
}
