using Broker.Actors.Persistence;
using Broker.Actors.Persistence.Sqlite;
using Broker.Host.Options;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;

namespace Broker.Host.Persistence;

public sealed partial class BrokerPersistence
{
    private const string SqlitePathKey = "persistence.sqlite.path";

    private static async Task<BrokerPersistence> OpenSqliteAsync(
        PersistenceOptions persistence, NodeOptions node, TimeSpan commitInterval, PersistenceSettings settings,
        ILogger logger, CancellationToken cancellationToken)
    {
        var path = persistence.Sqlite.ResolvePath(node);
        SqliteDatabase? database = null;
        try
        {
            // Full: a commit is fsynced before a QoS 1/2 message it carries is acknowledged, so even a power
            // loss keeps it; the group commit shares that fsync between every write that arrived meanwhile.
            database = SqliteDatabase.Open(new SqliteStoreOptions(path) { Synchronous = SqliteSynchronous.Full, CommitInterval = commitInterval });
            await database.ProbeWriteAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or SqliteException)
        {
            if (database is not null)
            {
                await database.DisposeAsync().ConfigureAwait(false);
            }

            throw new StorageUnavailableException(SqlitePathKey, $"{path} is not writable ({Describe(e)})", e);
        }

        var state = new SqliteDurableStateStore(database, new DurableStateOptions { CommitInterval = commitInterval });
        return Composed(persistence, settings, new SqliteJournal(database), new SqliteSnapshotStore(database), state, logger, "sqlite", path, sqlite: database);
    }

    /// <summary>The innermost message, which says what went wrong ("Connection refused", "Permission denied"), without a trailing period.</summary>
    private static string Describe(Exception e)
    {
        while (e.InnerException is { } inner)
        {
            e = inner;
        }

        return e.Message.TrimEnd('.', ' ');
    }
}
