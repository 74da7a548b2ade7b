using Npgsql;

namespace Broker.Actors.Persistence.PostgreSql;

/// <summary>
/// A PostgreSQL database holding the journal, the snapshots and the durable state: one pooled <see cref="NpgsqlDataSource"/>,
/// and the tables created on open when missing. Commits are durable as the server's own
/// <c>synchronous_commit</c> says (on by default: the WAL is flushed before the commit returns).
/// </summary>
public sealed class PostgresDatabase : IAsyncDisposable
{
    // Sessions of several brokers may open the same database at once: the advisory lock makes their
    // CREATE ... IF NOT EXISTS run one after another (two at once can fail on the catalog's unique index).
    private const long SchemaLockKey = 0x4d5154545f4a524e; // "MQTT_JRN"

    private PostgresDatabase(PostgresStoreOptions options, NpgsqlDataSource dataSource)
    {
        Options = options;
        DataSource = dataSource;
        Schema = Quote(options.Schema);
    }

    public PostgresStoreOptions Options { get; }

    internal NpgsqlDataSource DataSource { get; }

    /// <summary>The schema as an SQL identifier, quoted.</summary>
    internal string Schema { get; }

    /// <summary>Connects and creates the schema and tables when missing; throws if the server cannot be reached or refuses.</summary>
    public static async Task<PostgresDatabase> OpenAsync(PostgresStoreOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var dataSource = NpgsqlDataSource.Create(options.ConnectionString);
        var database = new PostgresDatabase(options, dataSource);
        try
        {
            await database.CreateTablesAsync(cancellationToken).ConfigureAwait(false);
            return database;
        }
        catch
        {
            await dataSource.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private async Task CreateTablesAsync(CancellationToken cancellationToken)
    {
        await using var connection = await DataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = new NpgsqlCommand($"""
            SELECT pg_advisory_xact_lock({SchemaLockKey});
            CREATE SCHEMA IF NOT EXISTS {Schema};
            CREATE TABLE IF NOT EXISTS {Schema}.journal (
                persistence_id text NOT NULL,
                sequence_nr bigint NOT NULL,
                manifest text NOT NULL,
                payload bytea NOT NULL,
                written_at timestamptz NOT NULL DEFAULT now(),
                PRIMARY KEY (persistence_id, sequence_nr)
            );
            CREATE TABLE IF NOT EXISTS {Schema}.journal_metadata (
                persistence_id text PRIMARY KEY,
                deleted_to bigint NOT NULL
            );
            CREATE TABLE IF NOT EXISTS {Schema}.snapshots (
                persistence_id text NOT NULL,
                sequence_nr bigint NOT NULL,
                created_at bigint NOT NULL,
                manifest text NOT NULL,
                payload bytea NOT NULL,
                PRIMARY KEY (persistence_id, sequence_nr)
            );
            CREATE INDEX IF NOT EXISTS journal_persistence_id_prefix ON {Schema}.journal (persistence_id text_pattern_ops);
            CREATE INDEX IF NOT EXISTS snapshots_persistence_id_prefix ON {Schema}.snapshots (persistence_id text_pattern_ops);
            CREATE TABLE IF NOT EXISTS {Schema}.durable_state (
                kind text NOT NULL,
                key text NOT NULL,
                manifest text NOT NULL,
                payload bytea NOT NULL,
                updated_at timestamptz NOT NULL DEFAULT now(),
                PRIMARY KEY (kind, key)
            );
            """, connection, transaction);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Checks that the database can be written, not only read (a read-only role, a standby server): a row is
    /// inserted and rolled back.
    /// </summary>
    public async Task ProbeWriteAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await DataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using var insert = new NpgsqlCommand(
            $"INSERT INTO {Schema}.journal_metadata (persistence_id, deleted_to) VALUES ('$write-probe', 0) ON CONFLICT (persistence_id) DO NOTHING",
            connection, transaction);
        await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        await transaction.RollbackAsync(cancellationToken).ConfigureAwait(false);
    }

    private static string Quote(string schema)
    {
        if (schema.Length == 0 || schema.Length > 63 || !schema.All(c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '_'))
        {
            throw new ArgumentException($"The schema '{schema}' must be 1 to 63 lower-case letters, digits or '_'.", nameof(schema));
        }

        return "\"" + schema + "\"";
    }

    /// <summary>
    /// The distinct ids of <paramref name="table"/> (a name of this schema, never input) that start with <paramref name="prefix"/>.
    /// starts_with uses the table's <c>text_pattern_ops</c> index on the id whatever the database's collation (the
    /// primary key serves a prefix only under the "C" collation): one client id's sessions are found without reading
    /// the whole table, which every first CONNECT of a client id in a cluster sharing the database asks for.
    /// </summary>
    internal async Task<IReadOnlyList<string>> ReadPersistenceIdsAsync(string table, string prefix, CancellationToken cancellationToken)
    {
        await using var command = DataSource.CreateCommand($"SELECT DISTINCT persistence_id FROM {Schema}.{table} WHERE starts_with(persistence_id, @prefix)");
        command.Parameters.AddWithValue("prefix", prefix);
        var ids = new List<string>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            ids.Add(reader.GetString(0));
        }

        return ids;
    }

    public ValueTask DisposeAsync() => DataSource.DisposeAsync();
}
