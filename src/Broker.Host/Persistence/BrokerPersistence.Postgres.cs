using Broker.Actors.Persistence;
using Broker.Actors.Persistence.PostgreSql;
using Broker.Host.Options;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Broker.Host.Persistence;

public sealed partial class BrokerPersistence
{
    private const string ConnectionStringKey = "persistence.postgresql.connection_string";

    private static async Task<BrokerPersistence> OpenPostgresAsync(
        PersistenceOptions persistence, TimeSpan commitInterval, PersistenceSettings settings, ILogger logger,
        StartupRetry retry, CancellationToken cancellationToken)
    {
        var options = new PostgresStoreOptions(persistence.Postgresql.ConnectionString) { CommitInterval = commitInterval };
        var server = ServerOf(options.ConnectionString);
        var database = await ConnectWithRetryAsync(options, server, logger, retry, cancellationToken).ConfigureAwait(false);
        try
        {
            await database.ProbeWriteAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (NpgsqlException e)
        {
            await database.DisposeAsync().ConfigureAwait(false);
            throw new StorageUnavailableException(ConnectionStringKey, $"{server} is not writable ({Describe(e)})", e);
        }

        var state = new PostgresDurableStateStore(database, new DurableStateOptions { CommitInterval = commitInterval });
        return Composed(persistence, settings, new PostgresJournal(database), new PostgresSnapshotStore(database), state, logger, "postgresql", server, postgres: database);
    }

    /// <summary>Retries what may pass (refused, timed out, "the database system is starting up"); a refused password fails at once.</summary>
    private static async Task<PostgresDatabase> ConnectWithRetryAsync(
        PostgresStoreOptions options, string server, ILogger logger, StartupRetry retry, CancellationToken cancellationToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                return await PostgresDatabase.OpenAsync(options, cancellationToken).ConfigureAwait(false);
            }
            catch (NpgsqlException e) when (e.IsTransient && attempt < retry.Delays.Count)
            {
                PostgresRetrying(logger, server, Describe(e), retry.Delays[attempt].TotalMilliseconds, attempt + 1, retry.Delays.Count);
                await Task.Delay(retry.Delays[attempt], cancellationToken).ConfigureAwait(false);
            }
            catch (PostgresException e)
            {
                throw new StorageUnavailableException(ConnectionStringKey, $"{server} refused: {e.SqlState} {e.MessageText}", e);
            }
            catch (Exception e) when (e is NpgsqlException or TimeoutException or System.Net.Sockets.SocketException)
            {
                throw new StorageUnavailableException(ConnectionStringKey, $"cannot connect to {server} ({Describe(e)})", e);
            }
        }
    }

    /// <summary>"host:port/database" as the connection string names them, for messages (never the password).</summary>
    private static string ServerOf(string connectionString)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        var database = string.IsNullOrEmpty(builder.Database) ? "" : "/" + builder.Database;
        return $"{builder.Host}:{builder.Port}{database}";
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "PostgreSQL {Server} not reachable ({Reason}); retrying in {DelayMs} ms ({Attempt} of {Retries})")]
    private static partial void PostgresRetrying(ILogger logger, string server, string reason, double delayMs, int attempt, int retries);
}
