using Broker.Actors;
using Broker.Actors.Persistence;
using Broker.Actors.Persistence.PostgreSql;
using Broker.Actors.Persistence.Serialization;
using Broker.Actors.Persistence.Sqlite;
using Broker.Host.Options;
using Microsoft.Extensions.Logging;

namespace Broker.Host.Persistence;

/// <summary>
/// The broker's storage as <c>persistence</c> configures it. With durability <c>none</c> nothing is opened
/// (memory only). Otherwise <see cref="OpenAsync"/> opens the backend, creates its tables and checks that it
/// can write, before any listener opens, so that a broker that could not keep its promise never accepts a
/// client; it fails with a <see cref="StorageUnavailableException"/> naming the setting.
/// <code>
///   OpenAsync -> Install(actor system) -> ... -> actor system terminated -> DisposeAsync (journal, snapshots, database)
/// </code>
/// </summary>
public sealed partial class BrokerPersistence : IAsyncDisposable
{
    private readonly IAsyncDisposable? _database;
    private readonly ILogger? _logger;
    private int _disposed;

    private BrokerPersistence(
        PersistenceOptions options, PersistenceExtension? extension, IDurableStateStore? state, SqliteDatabase? sqlite, PostgresDatabase? postgres,
        ILogger? logger = null)
    {
        _logger = logger;
        State = state;
        Durability = options.Durability;
        Backend = options.Backend;
        PeriodicInterval = options.PeriodicInterval.Value;
        Extension = extension;
        Serializers = extension?.Serializers ?? new EventSerializerRegistry();
        Sqlite = sqlite;
        Postgres = postgres;
        _database = (IAsyncDisposable?)sqlite ?? postgres;
    }

    public PersistenceDurability Durability { get; }

    /// <summary>Whether anything is stored: false with durability <c>none</c>.</summary>
    public bool IsDurable => Extension is not null;

    public PersistenceBackend Backend { get; }

    /// <summary>With <see cref="PersistenceDurability.Periodic"/>, the journal commits at most this often: the window a crash may lose.</summary>
    public TimeSpan PeriodicInterval { get; }

    /// <summary>The journal and snapshot store the persistent actors use; null when nothing is stored.</summary>
    public PersistenceExtension? Extension { get; }

    /// <summary>The latest value per key (retained messages) on the same database; null when nothing is stored.</summary>
    public IDurableStateStore? State { get; }

    /// <summary>The types that may be stored: register them before the first persistent actor starts.</summary>
    public EventSerializerRegistry Serializers { get; }

    /// <summary>The SQLite database when the backend is sqlite and something is stored: other stores may share its file.</summary>
    public SqliteDatabase? Sqlite { get; }

    /// <summary>The PostgreSQL database when the backend is postgresql and something is stored.</summary>
    public PostgresDatabase? Postgres { get; }

    /// <summary>Nothing stored, whatever the options say: for tests and benchmarks that compose a broker in memory.</summary>
    public static BrokerPersistence MemoryOnly() =>
        new(new PersistenceOptions { Durability = PersistenceDurability.None }, null, null, null, null);

    /// <summary>Opens the configured storage; throws <see cref="StorageUnavailableException"/> when it cannot be opened or written.</summary>
    public static async Task<BrokerPersistence> OpenAsync(
        PersistenceOptions persistence, NodeOptions node, ILoggerFactory loggerFactory,
        StartupRetry? postgresRetry = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(persistence);
        ArgumentNullException.ThrowIfNull(node);
        ArgumentNullException.ThrowIfNull(loggerFactory);
        var logger = loggerFactory.CreateLogger<BrokerPersistence>();
        if (persistence.Durability == PersistenceDurability.None)
        {
            MemoryOnlyStarted(logger);
            return MemoryOnly();
        }

        // Periodic: the journal's group commit runs once per interval instead of once per write.
        var commitInterval = persistence.Durability == PersistenceDurability.Periodic ? persistence.PeriodicInterval.Value : TimeSpan.Zero;
        var settings = new PersistenceSettings { SnapshotEvery = persistence.SnapshotEvery };
        return persistence.Backend == PersistenceBackend.Postgresql
            ? await OpenPostgresAsync(persistence, commitInterval, settings, logger, postgresRetry ?? StartupRetry.Default, cancellationToken).ConfigureAwait(false)
            : await OpenSqliteAsync(persistence, node, commitInterval, settings, logger, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The stores opened on one database, whichever the backend; says where they are.</summary>
    private static BrokerPersistence Composed(
        PersistenceOptions persistence, PersistenceSettings settings, IJournal journal, ISnapshotStore snapshots, IDurableStateStore state,
        ILogger logger, string backend, string where, SqliteDatabase? sqlite = null, PostgresDatabase? postgres = null)
    {
        var extension = new PersistenceExtension(journal, snapshots, new EventSerializerRegistry(), settings);
        Opened(logger, backend, where, persistence.Durability.ToString().ToLowerInvariant());
        return new BrokerPersistence(persistence, extension, state, sqlite, postgres, logger);
    }

    /// <summary>
    /// Checks that the storage can still be written (a row inserted and rolled back), for the storage_unreachable alarm;
    /// nothing to check when nothing is stored. Throws what the database throws.
    /// </summary>
    public Task ProbeAsync(CancellationToken cancellationToken) =>
        Sqlite is { } sqlite ? Task.Run(() => sqlite.ProbeWriteAsync(cancellationToken), cancellationToken)
        : Postgres is { } postgres ? postgres.ProbeWriteAsync(cancellationToken)
        : Task.CompletedTask;

    /// <summary>Makes the stores those of <paramref name="system"/>'s persistent actors; nothing when nothing is stored.</summary>
    public void Install(ActorSystem system)
    {
        if (Extension is not null)
        {
            PersistenceExtension.Install(system, Extension);
        }
    }

    /// <summary>After the actor system has terminated: commits what the journal holds, then closes the stores and the database.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        if (Extension is not null)
        {
            await Extension.Journal.DisposeAsync().ConfigureAwait(false);
            await Extension.SnapshotStore.DisposeAsync().ConfigureAwait(false);
            if (_logger is not null && Extension.Journal.Statistics is var journal)
            {
                // How well group commit batched over the broker's life: the figure benchmarks of durability read.
                JournalClosed(_logger, journal.Commits, journal.Writes, journal.Events, journal.EventsPerCommit, journal.FailedCommits);
            }
        }

        if (State is not null)
        {
            await State.DisposeAsync().ConfigureAwait(false);
            if (_logger is not null && State.Statistics is var state)
            {
                StateClosed(_logger, state.Commits, state.Writes, state.WritesPerCommit, state.FailedCommits);
            }
        }

        if (_database is not null)
        {
            await _database.DisposeAsync().ConfigureAwait(false);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Persistence: none (memory only, nothing survives a restart)")]
    private static partial void MemoryOnlyStarted(ILogger logger);

    [LoggerMessage(Level = LogLevel.Information, Message = "Journal closed: {Commits} commits, {Writes} writes, {Events} events ({EventsPerCommit:F1} events per commit), {Failed} failed commits")]
    private static partial void JournalClosed(ILogger logger, long commits, long writes, long events, double eventsPerCommit, long failed);

    [LoggerMessage(Level = LogLevel.Information, Message = "State store closed: {Commits} commits, {Writes} writes ({WritesPerCommit:F1} writes per commit), {Failed} failed commits")]
    private static partial void StateClosed(ILogger logger, long commits, long writes, double writesPerCommit, long failed);

    [LoggerMessage(Level = LogLevel.Information, Message = "Persistence: {Backend} {Where}, durability {Durability}")]
    private static partial void Opened(ILogger logger, string backend, string where, string durability);
}
